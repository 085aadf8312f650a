package rootfs

import (
	"strings"
	"testing"
)

// FuzzParseOptions: any list of mount options is sorted into flags, propagation, recursive
// attributes and data without a panic, and options it does not know end up in the data.
func FuzzParseOptions(f *testing.F) {
	f.Add("rbind,ro,nosuid")
	f.Add("rprivate,shared,rro,nodev,mode=755,size=65536k")
	f.Add("idmap,ridmap,tmpcopyup,noatime,rnostrictatime")
	f.Add(",,=,x=y,")
	f.Fuzz(func(t *testing.T, list string) {
		opts := strings.Split(list, ",")
		mo, err := ParseOptions(opts)
		if err != nil {
			return
		}
		for _, o := range strings.Split(mo.Data, ",") {
			if o != "" && !contains(opts, o) {
				t.Fatalf("ParseOptions(%q): data %q holds %q, which was not given", opts, mo.Data, o)
			}
		}
	})
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
