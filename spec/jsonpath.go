package spec

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

// FieldError is an error about one field of config.json. Path is the field's JSON path with
// array indices, e.g. `mounts[2].destination` or `linux.sysctl["net.ipv4.ip_forward"]`.
type FieldError struct {
	Path string
	// Value is the offending value as the user wrote it, already quoted if it is a string; it
	// may be empty.
	Value string
	Err   error
}

func (e *FieldError) Error() string {
	if e.Value == "" {
		return e.Path + ": " + e.Err.Error()
	}
	return e.Path + " " + e.Value + ": " + e.Err.Error()
}

func (e *FieldError) Unwrap() error { return e.Err }

// fieldError builds a FieldError without a value: `process.args: must not be empty`.
func fieldError(path, format string, args ...any) error {
	return &FieldError{Path: path, Err: fmt.Errorf(format, args...)}
}

// valueError builds a FieldError about a string value: `process.cwd "tmp": must be absolute`.
func valueError(path, value, format string, args ...any) error {
	return &FieldError{Path: path, Value: strconv.Quote(value), Err: fmt.Errorf(format, args...)}
}

// numberError builds a FieldError about a number: `process.oomScoreAdj 2000: must be ...`.
func numberError(path string, value any, format string, args ...any) error {
	return &FieldError{Path: path, Value: fmt.Sprint(value), Err: fmt.Errorf(format, args...)}
}

// index appends an array index to a JSON path.
func index(path string, i int) string {
	return path + "[" + strconv.Itoa(i) + "]"
}

// member appends an object key to a JSON path: as `.key` when the key is a plain identifier and
// as `["key"]` otherwise (annotation and sysctl keys hold dots).
func member(path, key string) string {
	if !isIdentifier(key) {
		return path + "[" + strconv.Quote(key) + "]"
	}
	if path == "" {
		return key
	}
	return path + "." + key
}

func isIdentifier(s string) bool {
	if s == "" {
		return false
	}
	for i, r := range s {
		letter := r == '_' || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z')
		if !letter && (i == 0 || r < '0' || r > '9') {
			return false
		}
	}
	return true
}

// pathFrame is one open object or array on the way down to the current token.
type pathFrame struct {
	array   bool
	index   int    // array: index of the next element
	key     string // object: key of the current member
	wantKey bool   // object: the next token is a key (or the closing brace)
}

// locateValue walks the tokens of data and returns the JSON path and a description of the value
// that ends at offset — where encoding/json reports a type error: right after a literal, or right
// after the opening bracket of an object or array.
func locateValue(data []byte, offset int64) (path, value string, ok bool) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var stack []pathFrame
	for {
		tok, err := dec.Token()
		if err != nil {
			return "", "", false
		}
		top := len(stack) - 1
		if top >= 0 && !stack[top].array && stack[top].wantKey {
			if key, isKey := tok.(string); isKey {
				stack[top].key, stack[top].wantKey = key, false
				continue
			}
		}
		if d, isDelim := tok.(json.Delim); isDelim && (d == '}' || d == ']') {
			stack = advance(stack[:top])
			continue
		}
		if dec.InputOffset() == offset {
			return framesPath(stack), describeToken(tok), true
		}
		switch tok {
		case json.Delim('{'):
			stack = append(stack, pathFrame{wantKey: true})
		case json.Delim('['):
			stack = append(stack, pathFrame{array: true})
		default:
			stack = advance(stack)
		}
	}
}

// advance records that the innermost container has finished one value.
func advance(stack []pathFrame) []pathFrame {
	if top := len(stack) - 1; top >= 0 {
		if stack[top].array {
			stack[top].index++
		} else {
			stack[top].wantKey = true
		}
	}
	return stack
}

func framesPath(stack []pathFrame) string {
	var b strings.Builder
	for _, f := range stack {
		if f.array {
			b.WriteString(index("", f.index))
		} else {
			s := member(b.String(), f.key)
			b.Reset()
			b.WriteString(s)
		}
	}
	return b.String()
}

// describeToken names a JSON value as in `cannot use string "abc" as uint32`.
func describeToken(tok json.Token) string {
	switch v := tok.(type) {
	case json.Delim:
		if v == '[' {
			return "array"
		}
		return "object"
	case string:
		return "string " + strconv.Quote(v)
	case json.Number:
		return "number " + v.String()
	case bool:
		return "bool " + strconv.FormatBool(v)
	case nil:
		return "null"
	}
	return fmt.Sprint(tok)
}
