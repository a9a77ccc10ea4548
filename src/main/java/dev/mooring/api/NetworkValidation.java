package dev.mooring.api;

/** The checks of a {@link NetworkSpec}, each naming its field. */
final class NetworkValidation {
    private NetworkValidation() {
    }

    static void validate(NetworkSpec s, FieldChecks c) {
        c.driver(s.driver);
        if (s.subnet != null && !IpAddresses.isCidr(s.subnet)) {
            c.error("spec.subnet", "\"" + s.subnet + "\" is not a CIDR like 10.42.0.0/24");
        }
        if (s.gateway != null) {
            if (!IpAddresses.isIp(s.gateway)) {
                c.error("spec.gateway", "\"" + s.gateway + "\" is not an IP address");
            } else if (s.subnet == null) {
                c.error("spec.gateway", "needs spec.subnet");
            }
        }
        c.labels("spec.labels", s.labels);
        c.dnsLabel("spec.engine", s.engine, false);
    }
}
