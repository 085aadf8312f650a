package cgroups

import (
	"errors"
	"fmt"
	"maps"
	"os"
	"slices"
	"strings"

	"github.com/opencontainers/cgroups"
	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// UnifiedHierarchy is the name AvailableControllers adds to its set on a pure cgroup v2 host, so
// that Missing and Warnings know which hierarchy the controllers belong to. No kernel controller
// has this name.
const UnifiedHierarchy = "cgroup2"

// ErrUnavailable is wrapped by every error of Missing.
var ErrUnavailable = errors.New("is not available on this host")

// AvailableControllers returns the controllers berth can use on this host, by the names Missing
// expects.
//
//   - cgroup v1 and hybrid hosts: the mounted v1 hierarchies that this process belongs to
//     ("cpu", "cpuacct", "memory", "devices", ..., "systemd" for name=systemd). A controller
//     that the kernel has but nobody mounted (hugetlb on the project's hybrid host: /proc/cgroups
//     binds it to hierarchy 11, mounted nowhere) is absent, and so is anything offered only by the
//     hybrid host's /sys/fs/cgroup/unified: the library's v1 managers write limits to v1
//     hierarchies only, and merely join the unified one.
//   - pure cgroup v2 hosts: /sys/fs/cgroup/cgroup.controllers (the root, or the namespace's root
//     inside a cgroup namespace), which is also what the library enables down the tree when it
//     creates a cgroup; plus "devices" and "freezer", which v2 implements without a controller
//     (eBPF, cgroup.freeze); plus UnifiedHierarchy.
func AvailableControllers() (map[string]bool, error) {
	if cgroups.IsCgroup2UnifiedMode() {
		data, err := os.ReadFile("/sys/fs/cgroup/cgroup.controllers")
		if err != nil {
			return nil, fmt.Errorf("list cgroup v2 controllers: %w", err)
		}
		return v2Controllers(string(data)), nil
	}
	mounts, err := cgroups.GetCgroupMounts(false)
	if err != nil {
		return nil, fmt.Errorf("list cgroup v1 hierarchies: %w", err)
	}
	return v1Controllers(mounts), nil
}

func v2Controllers(list string) map[string]bool {
	set := map[string]bool{UnifiedHierarchy: true, "devices": true, "freezer": true}
	for _, c := range strings.Fields(list) {
		set[c] = true
	}
	return set
}

func v1Controllers(mounts []cgroups.Mount) map[string]bool {
	set := map[string]bool{}
	for _, m := range mounts {
		for _, s := range m.Subsystems {
			set[s] = true
		}
	}
	return set
}

// Missing reports the linux.resources fields this host cannot apply because their controller is
// absent from available (see AvailableControllers), one error per missing controller, naming
// the first field that needs it: the runtime-spec wants create to fail rather than run the
// container without the limit. The devices controller is always needed: berth gives every
// container a device allow-list (see deviceRules). linux.resources.unified needs a pure cgroup v2
// host and each key's controller.
func Missing(r *specs.LinuxResources, available map[string]bool) error {
	if r == nil {
		r = &specs.LinuxResources{}
	}
	v2 := available[UnifiedHierarchy]
	var errs []error
	reported := map[string]bool{}
	for _, n := range needs(r) {
		name := n.controller
		if v2 && n.v2Name != "" {
			name = n.v2Name
		}
		if !n.set || available[name] || reported[name] {
			continue
		}
		reported[name] = true
		errs = append(errs, fmt.Errorf("%s: the %s controller %w", n.field, name, ErrUnavailable))
	}
	errs = append(errs, missingUnified(r.Unified, available)...)
	return joinErrors(errs)
}

// need is one field of linux.resources, whether the config sets it, and the controller that
// applies it (v2Name when cgroup v2 names it differently).
type need struct {
	field      string
	set        bool
	controller string
	v2Name     string
}

func needs(r *specs.LinuxResources) []need {
	var (
		m   = derefOr(r.Memory)
		c   = derefOr(r.CPU)
		p   = derefOr(r.Pids)
		net = derefOr(r.Network)
	)
	return []need{
		{"linux.resources.devices", true, "devices", ""},
		{"linux.resources.memory.limit", m.Limit != nil, "memory", ""},
		{"linux.resources.memory.reservation", m.Reservation != nil, "memory", ""},
		{"linux.resources.memory.swap", m.Swap != nil, "memory", ""},
		{"linux.resources.memory.swappiness", m.Swappiness != nil, "memory", ""},
		{"linux.resources.memory.disableOOMKiller", isTrue(m.DisableOOMKiller), "memory", ""},
		{"linux.resources.memory.checkBeforeUpdate", isTrue(m.CheckBeforeUpdate), "memory", ""},
		{"linux.resources.cpu.shares", c.Shares != nil, "cpu", ""},
		{"linux.resources.cpu.quota", c.Quota != nil, "cpu", ""},
		{"linux.resources.cpu.burst", c.Burst != nil, "cpu", ""},
		{"linux.resources.cpu.period", c.Period != nil, "cpu", ""},
		{"linux.resources.cpu.realtimeRuntime", c.RealtimeRuntime != nil, "cpu", ""},
		{"linux.resources.cpu.realtimePeriod", c.RealtimePeriod != nil, "cpu", ""},
		{"linux.resources.cpu.idle", c.Idle != nil, "cpu", ""},
		{"linux.resources.cpu.cpus", c.Cpus != "", "cpuset", ""},
		{"linux.resources.cpu.mems", c.Mems != "", "cpuset", ""},
		{"linux.resources.pids.limit", p.Limit != nil, "pids", ""},
		{"linux.resources.blockIO", blockIOSet(r.BlockIO), "blkio", "io"},
		{"linux.resources.hugepageLimits", len(r.HugepageLimits) > 0, "hugetlb", ""},
		{"linux.resources.network.classID", net.ClassID != nil, "net_cls", ""},
		{"linux.resources.network.priorities", len(net.Priorities) > 0, "net_prio", ""},
		{"linux.resources.rdma", len(r.Rdma) > 0, "rdma", ""},
	}
}

// missingUnified checks linux.resources.unified: the library's v1 managers refuse it outright,
// and on v2 a key of an absent controller would fail with a bare ENOENT.
func missingUnified(unified map[string]string, available map[string]bool) []error {
	if len(unified) == 0 {
		return nil
	}
	if !available[UnifiedHierarchy] {
		return []error{fmt.Errorf("linux.resources.unified: cgroup v2 files need a pure cgroup v2 host: "+
			"the cgroup v2 hierarchy %w", ErrUnavailable)}
	}
	var errs []error
	for _, key := range slices.Sorted(maps.Keys(unified)) {
		controller, ok := unifiedController(key)
		if ok && controller != "cgroup" && !available[controller] {
			errs = append(errs, fmt.Errorf("linux.resources.unified[%q]: the %s controller %w", key, controller, ErrUnavailable))
		}
	}
	return errs
}

func derefOr[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}

func blockIOSet(b *specs.LinuxBlockIO) bool {
	return b != nil && (b.Weight != nil || b.LeafWeight != nil || len(b.WeightDevice) > 0 ||
		len(b.ThrottleReadBpsDevice) > 0 || len(b.ThrottleWriteBpsDevice) > 0 ||
		len(b.ThrottleReadIOPSDevice) > 0 || len(b.ThrottleWriteIOPSDevice) > 0)
}

// joinErrors keeps every error for errors.Is but prints them on one line, as the CLI prints
// one error per line.
func joinErrors(errs []error) error {
	switch len(errs) {
	case 0:
		return nil
	case 1:
		return errs[0]
	}
	return multiError(errs)
}

type multiError []error

func (m multiError) Error() string {
	parts := make([]string, len(m))
	for i, e := range m {
		parts[i] = e.Error()
	}
	return strings.Join(parts, "; ")
}

func (m multiError) Unwrap() []error { return m }
