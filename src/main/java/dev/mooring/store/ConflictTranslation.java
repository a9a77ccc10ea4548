package dev.mooring.store;

import jakarta.annotation.Priority;
import jakarta.interceptor.AroundInvoke;
import jakarta.interceptor.Interceptor;
import jakarta.interceptor.InvocationContext;

/**
 * The interceptor of {@link TranslatesConflicts}. Its priority puts it outside the transaction
 * interceptor (PLATFORM_BEFORE + 200), so a conflict found at commit is translated too.
 */
@TranslatesConflicts
@Interceptor
@Priority(Interceptor.Priority.PLATFORM_BEFORE + 100)
class ConflictTranslation {
    @AroundInvoke
    Object translate(InvocationContext ctx) throws Exception {
        try {
            return ctx.proceed();
        } catch (Exception e) {
            throw WriteConflictException.translated(e);
        }
    }
}
