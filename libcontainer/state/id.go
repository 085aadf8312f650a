package state

import (
	"fmt"
	"strings"
)

// MaxIDLength bounds container IDs: they name a directory and appear in socket paths.
const MaxIDLength = 1024

// ValidateID accepts what runc accepts: letters, digits and _ + - . , not "." or "..".
func ValidateID(id string) error {
	switch {
	case id == "":
		return fmt.Errorf("container id cannot be empty")
	case len(id) > MaxIDLength:
		return fmt.Errorf("invalid container id %.20q...: longer than %d characters", id, MaxIDLength)
	case id == "." || id == "..":
		return fmt.Errorf("invalid container id %q", id)
	}
	if i := strings.IndexFunc(id, func(r rune) bool { return !idChar(r) }); i >= 0 {
		return fmt.Errorf("invalid container id %q: character %q not allowed (use letters, digits, _ + - .)", id, id[i])
	}
	return nil
}

func idChar(r rune) bool {
	return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' ||
		r == '_' || r == '+' || r == '-' || r == '.'
}
