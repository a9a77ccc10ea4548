package dev.mooring.testing;

import io.quarkus.test.junit.callback.QuarkusTestBeforeEachCallback;
import io.quarkus.test.junit.callback.QuarkusTestMethodContext;
import io.restassured.RestAssured;
import io.restassured.filter.Filter;
import io.restassured.filter.FilterContext;
import io.restassured.response.Response;
import io.restassured.specification.FilterableRequestSpecification;
import io.restassured.specification.FilterableResponseSpecification;

/**
 * Makes every REST Assured request of every {@code @QuarkusTest} carry the test profile's admin
 * token ({@code %test.mooring.admin-token}) unless it sets its own Authorization header, or
 * opts out with {@link Api#anonymous()}. A static REST Assured filter, installed before the
 * first test (registered in META-INF/services): Quarkus resets the default request
 * specification around each test, and one built before its URL is set would carry port 8080.
 */
public class AdminToken implements QuarkusTestBeforeEachCallback {
    public static final String TOKEN = "test-admin-token";

    @Override
    public void beforeEach(QuarkusTestMethodContext context) {
        if (RestAssured.filters().stream().noneMatch(f -> f instanceof Header)) {
            RestAssured.filters(new Header());
        }
    }

    /** Adds {@code Authorization: Bearer <admin token>} to a request that has no Authorization header. */
    public static final class Header implements Filter {
        @Override
        public Response filter(FilterableRequestSpecification request, FilterableResponseSpecification response, FilterContext ctx) {
            if (!request.getHeaders().hasHeaderWithName("Authorization")) {
                request.header("Authorization", "Bearer " + TOKEN);
            }
            return ctx.next(request, response);
        }
    }
}
