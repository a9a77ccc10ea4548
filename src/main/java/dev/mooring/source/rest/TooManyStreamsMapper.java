package dev.mooring.source.rest;

import dev.mooring.security.StreamLimiter;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

import java.util.List;

/** A stream refused by the {@link StreamLimiter}: 429 problem+json, with the Retry-After its clients wait for. */
@Provider
public class TooManyStreamsMapper implements ExceptionMapper<StreamLimiter.TooManyStreams> {
    @Override
    public Response toResponse(StreamLimiter.TooManyStreams e) {
        return Response.fromResponse(ProblemMapper.problem(e.status, e.title, e.getMessage(), List.of()))
                .header("Retry-After", e.retryAfterSeconds).build();
    }
}
