package seccomp

import (
	"reflect"
	"testing"
)

func TestFilterEncoding(t *testing.T) {
	s := loadProfile(t, "testdata/profile-default-like.json")
	f, err := Build(s)
	if err != nil {
		t.Fatal(err)
	}
	data, err := f.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	var back Filter
	if err := back.UnmarshalBinary(data); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(&back, f) {
		t.Errorf("decoded filter differs: %d vs %d instructions, flags %#x vs %#x", len(back.prog), len(f.prog), back.flags, f.flags)
	}
	for _, tt := range []struct {
		name string
		data []byte
	}{
		{"empty", nil},
		{"bad magic", append([]byte("XSF1"), data[4:]...)},
		{"truncated", data[:len(data)-1]},
		{"longer", append(append([]byte{}, data...), 0)},
		{"header only", data[:16]},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if err := new(Filter).UnmarshalBinary(tt.data); err == nil {
				t.Error("decoded a broken encoding")
			}
		})
	}
}
