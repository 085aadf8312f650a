package main

import (
	"errors"
	"math"
	"strconv"
	"strings"
)

// sizeUnits are the binary multipliers of memory sizes, as docker and runc read them: k is KiB.
var sizeUnits = map[byte]float64{
	'k': 1 << 10,
	'm': 1 << 20,
	'g': 1 << 30,
	't': 1 << 40,
	'p': 1 << 50,
}

var errBadSize = errors.New("invalid size: want a number of bytes, with an optional k, m, g, t or p suffix (512m, 1.5g), or -1")

// parseMemorySize reads a memory size for update: "-1" (unlimited), a number of bytes, or a
// number with a unit: "512m", "1.5g", "64MiB", "64mb", "100b", "64 m". Units are powers of 1024.
func parseMemorySize(s string) (int64, error) {
	s = strings.TrimSpace(s)
	if s == "-1" {
		return -1, nil
	}
	num, unit := splitSize(strings.ToLower(s))
	mult, err := unitMultiplier(unit)
	if err != nil {
		return 0, err
	}
	// A leading sign or exponent would be taken by ParseFloat; sizes are plain decimals.
	if num == "" || strings.ContainsAny(num, "+-eE") || strings.Count(num, ".") > 1 {
		return 0, errBadSize
	}
	n, err := strconv.ParseFloat(num, 64)
	if err != nil || n*mult >= math.MaxInt64 {
		return 0, errBadSize
	}
	return int64(n * mult), nil
}

// splitSize cuts "1.5 gib" into "1.5" and "gib".
func splitSize(s string) (num, unit string) {
	i := strings.IndexFunc(s, func(r rune) bool { return (r < '0' || r > '9') && r != '.' })
	if i < 0 {
		return s, ""
	}
	return s[:i], strings.TrimPrefix(s[i:], " ")
}

// unitMultiplier reads "", "b", or a unit letter optionally followed by "b" or "ib".
func unitMultiplier(unit string) (float64, error) {
	switch {
	case unit == "" || unit == "b":
		return 1, nil
	case len(unit) > 3:
		return 0, errBadSize
	}
	mult, ok := sizeUnits[unit[0]]
	if rest := unit[1:]; !ok || (rest != "" && rest != "b" && rest != "ib") {
		return 0, errBadSize
	}
	return mult, nil
}
