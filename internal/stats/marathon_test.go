package stats

import (
	"slices"
	"testing"
)

func TestMarathonAliases(t *testing.T) {
	cases := map[string][]string{
		// "marathonmatch111" has 16 characters: too short for a title alias.
		"Marathon Match 111":                          {"match:111"},
		"MM 111 - Fraud Detection in Payment Streams": {"match:111", "title:mm111frauddetectioninpay"},
		"marathon match #007":                         {"match:7"},
		"TCO MM Round":                                nil,
		"Summer Optimisation Cup 2019 Finals":         {"title:summeroptimisationcup201"},
		"SMMX 12":                                     nil, // no word boundary before MM
	}
	for name, want := range cases {
		if got := MarathonAliases(name); !slices.Equal(got, want) {
			t.Errorf("MarathonAliases(%q) = %v, want %v", name, got, want)
		}
	}
	// 21 stripped characters: the title alias is the whole stripped name.
	if got := MarathonAliases("abcdefghij klmnopqrst u"); !slices.Equal(got, []string{"title:abcdefghijklmnopqrstu"}) {
		t.Errorf("short title alias: %v", got)
	}
}
