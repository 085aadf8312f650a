package spec

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// LoadProcess reads a runtime-spec Process object (`berth exec --process FILE`). Errors name
// the file and the JSON path of a bad field, as Load does for config.json.
func LoadProcess(path string) (*specs.Process, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("--process: %w", err)
	}
	var p specs.Process
	if err := json.Unmarshal(data, &p); err != nil {
		return nil, fmt.Errorf("%s%w", filepath.Base(path), describeJSONError(data, err))
	}
	if len(p.Args) == 0 {
		return nil, fmt.Errorf("%s args: must not be empty", filepath.Base(path))
	}
	if err := CheckUser("user", p.User); err != nil {
		return nil, fmt.Errorf("%s %w", filepath.Base(path), err)
	}
	return &p, nil
}
