package server

import (
	"net/netip"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestClientIP(t *testing.T) {
	t.Parallel()
	lb := []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("192.0.2.7/32")}
	tests := []struct {
		name      string
		remote    string
		forwarded []string
		trusted   []netip.Prefix
		want      string
	}{
		{"direct", "203.0.113.5:4000", nil, nil, "203.0.113.5"},
		{"forged header from an untrusted peer", "203.0.113.5:4000", []string{"1.2.3.4"}, lb, "203.0.113.5"},
		{"no proxies configured", "10.0.0.2:4000", []string{"1.2.3.4"}, nil, "10.0.0.2"},
		{"one trusted proxy", "10.0.0.2:4000", []string{"198.51.100.9"}, lb, "198.51.100.9"},
		{"client-supplied prefix ignored", "10.0.0.2:4000", []string{"1.2.3.4, 198.51.100.9"}, lb, "198.51.100.9"},
		{"two trusted hops", "10.0.0.2:4000", []string{"198.51.100.9, 192.0.2.7"}, lb, "198.51.100.9"},
		{"several headers", "10.0.0.2:4000", []string{"1.2.3.4", "198.51.100.9"}, lb, "198.51.100.9"},
		{"trusted proxy without header", "10.0.0.2:4000", nil, lb, "10.0.0.2"},
		{"garbage", "10.0.0.2:4000", []string{"not-an-ip"}, lb, "10.0.0.2"},
		{"ipv6", "[2001:db8::1]:4000", nil, lb, "2001:db8::1"},
	}
	for _, tt := range tests {
		require.Equal(t, tt.want, clientIP(tt.remote, tt.forwarded, tt.trusted), tt.name)
	}
}
