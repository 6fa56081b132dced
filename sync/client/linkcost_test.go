package client

import "testing"

// What Windows says of the connection's cost decides whether originals go:
// a metered (Fixed, Variable) or missing link keeps them; a link Windows
// does not know counts as metered and says it is not known.
func TestMeteredFromWindowsCostType(t *testing.T) {
	for _, c := range []struct {
		out            string
		metered, known bool
	}{
		{"Unrestricted\r\n", false, true},
		{"Fixed\r\n", true, true},
		{"Variable", true, true},
		{"None\r\n", true, true},
		{"Unknown\r\n", true, false},
		{"", true, false},
	} {
		if m, k := meteredFromCostType(c.out); m != c.metered || k != c.known {
			t.Errorf("%q: metered %v known %v; want %v %v", c.out, m, k, c.metered, c.known)
		}
	}
}
