package dev.mooring.api;

import java.net.InetAddress;
import java.util.regex.Pattern;

/**
 * Literal IP addresses and CIDRs, as Docker takes them for a port's host IP, a subnet and a
 * gateway. Never a DNS lookup: a name is not an address.
 */
public final class IpAddresses {
    private static final Pattern IPV4 = Pattern.compile("(?:(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\\.){3}(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])");
    private static final Pattern CIDR = Pattern.compile("[0-9a-fA-F.:]+/\\d{1,3}");

    private IpAddresses() {
    }

    /** Whether the text is a literal IPv4 (dotted quad) or IPv6 address. */
    public static boolean isIp(String s) {
        if (IPV4.matcher(s).matches()) {
            return true;
        }
        // No DNS lookups: only literal addresses. InetAddress takes a text that starts with a hex
        // digit or ':' and holds a ':' for an IPv6 literal and never resolves it; anything else it
        // cannot parse as IPv4 ("10.0.0.300", "dead") it resolves through DNS, and "10" it reads
        // as 0.0.0.10, so IPv4 is matched here instead.
        if (!s.contains(":") || !s.matches("[0-9a-fA-F:][0-9a-fA-F.:]*")) {
            return false;
        }
        try {
            InetAddress.getByName(s);
            return true;
        } catch (Exception e) {
            return false;
        }
    }

    /** Whether the text is {@code address/bits} with bits at most 32 (IPv4) or 128 (IPv6). */
    public static boolean isCidr(String s) {
        if (!CIDR.matcher(s).matches()) {
            return false;
        }
        String[] parts = s.split("/");
        int bits = Integer.parseInt(parts[1]);
        return isIp(parts[0]) && bits <= (parts[0].contains(":") ? 128 : 32);
    }

    /** Whether the text is a literal IPv6 address. */
    public static boolean isIpv6(String s) {
        return s != null && s.contains(":") && isIp(s);
    }

    /** Whether the literal address {@code ip} lies in the CIDR {@code cidr} (both of one family); false for anything else. */
    public static boolean contains(String cidr, String ip) {
        if (cidr == null || ip == null || !isCidr(cidr) || !isIp(ip)) {
            return false;
        }
        try {
            String[] parts = cidr.split("/");
            byte[] net = InetAddress.getByName(parts[0]).getAddress();
            byte[] addr = InetAddress.getByName(ip).getAddress();
            if (net.length != addr.length) {
                return false;
            }
            int bits = Integer.parseInt(parts[1]);
            for (int i = 0; i < bits; i++) {
                int mask = 0x80 >> (i % 8);
                if ((net[i / 8] & mask) != (addr[i / 8] & mask)) {
                    return false;
                }
            }
            return true;
        } catch (Exception e) {
            return false;
        }
    }
}
