package container

import (
	"path/filepath"

	specs "github.com/opencontainers/runtime-spec/specs-go"

	"github.com/berth-runtime/berth/libcontainer/cgroups"
	"github.com/berth-runtime/berth/libcontainer/intelrdt"
	"github.com/berth-runtime/berth/libcontainer/lsm"
	"github.com/berth-runtime/berth/libcontainer/namespaces"
	"github.com/berth-runtime/berth/libcontainer/sched"
	"github.com/berth-runtime/berth/libcontainer/seccomp"
	"github.com/berth-runtime/berth/spec"
)

// hostChecks refuse what this host cannot give (a namespace type the kernel lacks, an AppArmor
// profile without AppArmor, Intel RDT without resctrl, a scheduler the kernel lacks), before
// anything is made. They read the host's /sys and /proc, which init could not trust. create
// stops at the first failure; `berth check` runs them all.
var hostChecks = []func(*specs.Spec) error{namespaces.CheckHost, lsm.Check, intelrdt.Check, sched.Check}

// checkHostSupport runs hostChecks for create.
func checkHostSupport(s *specs.Spec) error {
	for _, check := range hostChecks {
		if err := check(s); err != nil {
			return err
		}
	}
	return nil
}

// Problem is one thing `berth check` found wrong with a bundle; its message names the field.
type Problem struct {
	Level   string `json:"level"` // "error": create would refuse it; "warning": create goes on
	Message string `json:"message"`
}

// CheckOptions says which bundle to check, and how create would be run on it.
type CheckOptions struct {
	Bundle       string
	ID           string // the container ID create would get: it names the default cgroup
	CgroupDriver string
}

// CheckBundle runs, without making anything, the checks create runs, from the same code: the
// config against the runtime-spec (every failing check, not only the first), this host's
// support, the seccomp program (create compiles it in init), and the cgroup the container
// would get (a frozen one refused). It returns every problem; the error is for a bundle that
// cannot even be read.
func CheckBundle(o *CheckOptions) ([]Problem, error) {
	bundle, err := filepath.Abs(o.Bundle)
	if err != nil {
		return nil, err
	}
	s, err := spec.Load(bundle)
	if err != nil {
		return []Problem{{Level: "error", Message: err.Error()}}, nil
	}
	var problems []Problem
	add := func(level string, err error) {
		if err != nil {
			problems = append(problems, Problem{Level: level, Message: err.Error()})
		}
	}
	for _, err := range spec.ValidateAll(s, bundle) {
		add("error", err)
	}
	for _, err := range spec.Warnings(s) {
		add("warning", err)
	}
	for _, check := range hostChecks {
		add("error", check(s))
	}
	if s.Linux != nil {
		_, err := seccomp.Build(s.Linux.Seccomp)
		add("error", err)
	}
	_, err = cgroups.New(s, o.ID, o.CgroupDriver)
	add("error", err)
	return problems, nil
}
