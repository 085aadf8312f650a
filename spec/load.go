// Package spec reads, checks and writes a bundle's config.json. The container is modelled by
// specs.Spec everywhere in berth; this package only makes sure that what reaches the rest of
// berth is well formed, and that every complaint names the JSON path of the field at fault.
package spec

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"unicode/utf8"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// ConfigName is the name of the configuration file inside a bundle.
const ConfigName = "config.json"

// Load reads <bundle>/config.json into a specs.Spec. Errors name the bundle, the line and column
// of a syntax error, or the JSON path of a field whose value has the wrong type. Unknown fields
// are ignored, as the runtime-spec requires.
func Load(bundle string) (*specs.Spec, error) {
	if err := checkBundleDir(bundle); err != nil {
		return nil, err
	}
	data, err := os.ReadFile(filepath.Join(bundle, ConfigName))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", ConfigName, err)
	}
	var d Document
	if err := json.Unmarshal(data, &d); err != nil {
		return nil, fmt.Errorf("%s%w", ConfigName, describeJSONError(data, err))
	}
	return d.Spec(), nil
}

// checkBundleDir fails with `bundle "/x": <reason>` when bundle is not a directory we can read.
func checkBundleDir(bundle string) error {
	fi, err := os.Stat(bundle)
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err // the path is already in our message
		}
		return fmt.Errorf("bundle %q: %w", bundle, err)
	}
	if !fi.IsDir() {
		return fmt.Errorf("bundle %q: not a directory", bundle)
	}
	return nil
}

// describeJSONError turns a json.Unmarshal error into the rest of a sentence that starts with
// "config.json": ": invalid JSON at line L, column C: ..." or " process.user.uid: cannot use ...".
func describeJSONError(data []byte, err error) error {
	var syn *json.SyntaxError
	if errors.As(err, &syn) {
		line, col := syntaxPosition(data, syn)
		return fmt.Errorf(": invalid JSON at line %d, column %d: %w", line, col, err)
	}
	var typ *json.UnmarshalTypeError
	if errors.As(err, &typ) {
		return typeError(data, typ)
	}
	return fmt.Errorf(": %w", err)
}

// syntaxPosition returns the 1-based line and column (in characters) of a json.SyntaxError. Its
// Offset counts the bytes read when the error was found, so the byte at fault is the one before
// it; a premature end is reported just past the last character.
func syntaxPosition(data []byte, e *json.SyntaxError) (line, col int) {
	at := e.Offset - 1
	if strings.HasPrefix(e.Error(), "unexpected end") {
		at = int64(len(data))
	}
	return lineColumn(data, int(min(max(at, 0), int64(len(data)))))
}

// lineColumn returns the 1-based line and column of the byte at index at.
func lineColumn(data []byte, at int) (line, col int) {
	before := data[:at]
	line = 1 + bytes.Count(before, []byte("\n"))
	lineStart := bytes.LastIndexByte(before, '\n') + 1
	return line, 1 + utf8.RuneCount(before[lineStart:])
}

// typeError says which field has a value of the wrong type, with array indices in its path:
// encoding/json's Field has none, so the path is recovered from the error's offset by walking
// the document's tokens (locateValue).
func typeError(data []byte, e *json.UnmarshalTypeError) error {
	path, value, ok := locateValue(data, e.Offset)
	if !ok {
		path, value = e.Field, e.Value
	}
	fe := &FieldError{Path: path, Err: fmt.Errorf("cannot use %s as %s", value, jsonTypeName(e.Type))}
	if path == "" {
		return fmt.Errorf(": %w", fe.Err)
	}
	return fmt.Errorf(" %w", fe)
}

// jsonTypeName names a Go type the way a config.json author thinks of it.
func jsonTypeName(t reflect.Type) string {
	if t == nil {
		return "this field"
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.Struct, reflect.Map:
		return "object"
	case reflect.Slice, reflect.Array:
		return "array of " + jsonTypeName(t.Elem())
	case reflect.Interface:
		return "any value"
	}
	return t.Kind().String()
}

// RootfsPath returns the absolute path of root.path; a relative path is relative to the bundle.
// It returns "" when the spec has no root.
func RootfsPath(s *specs.Spec, bundle string) string {
	if s == nil || s.Root == nil || s.Root.Path == "" {
		return ""
	}
	if filepath.IsAbs(s.Root.Path) {
		return filepath.Clean(s.Root.Path)
	}
	if abs, err := filepath.Abs(bundle); err == nil {
		bundle = abs
	}
	return filepath.Join(bundle, s.Root.Path)
}
