package marketplace

import "testing"

func TestOf(t *testing.T) {
	for addr, want := range map[string]string{
		"a1b2c3@marketplace.amazon.de":     "DE de amazon.de",
		"X@Marketplace.Amazon.CO.JP":       "JP ja amazon.co.jp",
		"x@marketplace.amazon.com.be":      "BE fr amazon.com.be",
		"x@marketplace.amazon.com":         "US en amazon.com",
		"x@marketplace.amazon.com.ng":      "NG en amazon.com.ng",
		"support@shop.example":             "US en amazon.com",
		"x@marketplace.amazon.de.evil.com": "US en amazon.com",
	} {
		m, _ := Of(addr)
		if got := m.Region + " " + m.Lang + " " + m.Name(); got != want {
			t.Errorf("Of(%s) = %s, want %s", addr, got, want)
		}
	}
	if IsRelayAddress("victim@evil.example") || IsRelayAddress("x@marketplace.amazon.de.evil.com") || !IsRelayAddress("a@marketplace.amazon.fr") || IsRelayAddress("a@marketplace.amazon.") {
		t.Error("IsRelayAddress is wrong")
	}
	if len(RelayDomains()) != len(All) || RelayDomains()[5] != "marketplace.amazon.de" {
		t.Errorf("RelayDomains = %v", RelayDomains())
	}
}
