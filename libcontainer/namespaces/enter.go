package namespaces

import (
	"fmt"

	specs "github.com/opencontainers/runtime-spec/specs-go"

	"github.com/berth-runtime/berth/spec"
)

// PlanToEnter is the plan of a process that enters a running container (berth exec): it joins
// every namespace the container has, new or joined at create, through /proc/PID/ns of the
// container's init. The caller must have made sure PID still is that init (pidfd + start
// time) and check again after the files are open.
func PlanToEnter(s *specs.Spec, pid int) (*Plan, error) {
	if s.Linux == nil {
		return PlanFor(&specs.Spec{})
	}
	var joined []specs.LinuxNamespace
	for _, ns := range s.Linux.Namespaces {
		k, ok := spec.NamespaceOf(ns.Type)
		if !ok {
			return nil, fmt.Errorf("linux.namespaces: unknown namespace type %q", ns.Type)
		}
		joined = append(joined, specs.LinuxNamespace{
			Type: ns.Type,
			Path: fmt.Sprintf("/proc/%d/ns/%s", pid, k.Proc),
		})
	}
	return PlanFor(&specs.Spec{Linux: &specs.Linux{Namespaces: joined}})
}
