package spec

import (
	"testing"
)

// The config's share of every create: read config.json, decode it, validate it.
func BenchmarkLoadValidate(b *testing.B) {
	bundle := bundleWithRootfs(b)
	if err := Write(bundle, Default()); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		s, err := Load(bundle)
		if err != nil {
			b.Fatal(err)
		}
		if err := Validate(s, bundle); err != nil {
			b.Fatal(err)
		}
	}
}
