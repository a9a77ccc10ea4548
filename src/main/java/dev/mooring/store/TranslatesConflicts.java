package dev.mooring.store;

import jakarta.interceptor.InterceptorBinding;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * On a store: what its methods throw because a write lost a race reaches the caller as a
 * {@link WriteConflictException}, whether it surfaced at a flush or at the commit.
 */
@InterceptorBinding
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
public @interface TranslatesConflicts {
}
