package cgroups

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/opencontainers/cgroups"
	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// Resources converts linux.resources into the library's Resources, checking every value on the
// way: errors name the JSON path of the field and say what would be valid. A nil r gives the
// device rules alone (see deviceRules): every container gets a device allow-list.
//
// Fields the library has no place for (memory.kernel, memory.kernelTCP, memory.useHierarchy)
// are dropped; Warnings says which ones the config asked for, for the caller to log.
func Resources(r *specs.LinuxResources) (*cgroups.Resources, error) {
	if r == nil {
		r = &specs.LinuxResources{}
	}
	out := &cgroups.Resources{}
	var err error
	if out.Devices, err = deviceRules(r.Devices); err != nil {
		return nil, err
	}
	for _, convert := range []func(*specs.LinuxResources, *cgroups.Resources) error{
		convertMemory, convertCPU, convertPids, convertBlockIO, convertHugepages,
		convertNetwork, convertRdma, convertUnified,
	} {
		if err := convert(r, out); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func convertMemory(r *specs.LinuxResources, out *cgroups.Resources) error {
	m := r.Memory
	if m == nil {
		return nil
	}
	// 0 is the library's "unset" for these three, so a 0 in the config leaves the kernel default.
	if m.Limit != nil {
		if err := checkBytes("linux.resources.memory.limit", *m.Limit); err != nil {
			return err
		}
		out.Memory = *m.Limit
	}
	if m.Reservation != nil {
		if err := checkBytes("linux.resources.memory.reservation", *m.Reservation); err != nil {
			return err
		}
		out.MemoryReservation = *m.Reservation
	}
	if m.Swap != nil {
		if err := checkSwap(*m.Swap, out.Memory); err != nil {
			return err
		}
		out.MemorySwap = *m.Swap
	}
	if m.Swappiness != nil {
		if *m.Swappiness > 100 {
			return fmt.Errorf("linux.resources.memory.swappiness %d: want 0 to 100", *m.Swappiness)
		}
		v := *m.Swappiness
		out.MemorySwappiness = &v
	}
	out.OomKillDisable = isTrue(m.DisableOOMKiller)
	out.MemoryCheckBeforeUpdate = isTrue(m.CheckBeforeUpdate)
	return nil
}

func checkBytes(path string, v int64) error {
	if v < -1 {
		return fmt.Errorf("%s %d: must be -1 (unlimited) or a number of bytes", path, v)
	}
	return nil
}

// checkSwap applies the runtime-spec's meaning of swap, memory+swap: it cannot be below the
// memory limit, and a finite one needs a memory limit (v1 refuses memsw below memory's limit,
// and the library cannot compute v2's swap.max without one).
func checkSwap(swap, limit int64) error {
	const path = "linux.resources.memory.swap"
	switch {
	case swap < -1:
		return fmt.Errorf("%s %d: must be -1 (unlimited) or at least linux.resources.memory.limit", path, swap)
	case swap > 0 && limit == 0:
		return fmt.Errorf("%s %d: needs linux.resources.memory.limit, or must be -1 (unlimited)", path, swap)
	case swap > 0 && limit > 0 && swap < limit:
		return fmt.Errorf("%s %d: must be -1 (unlimited) or at least linux.resources.memory.limit (%d): "+
			"swap counts memory plus swap", path, swap, limit)
	}
	return nil
}

func convertCPU(r *specs.LinuxResources, out *cgroups.Resources) error {
	c := r.CPU
	if c == nil {
		return nil
	}
	if c.Shares != nil {
		if err := checkShares(*c.Shares); err != nil {
			return err
		}
		out.CpuShares = *c.Shares
		// The v2 managers read only CpuWeight and leave the conversion to their caller; v1
		// ignores CpuWeight. Setting both serves either hierarchy.
		out.CpuWeight = cgroups.ConvertCPUSharesToCgroupV2Value(*c.Shares)
	}
	if err := convertCPUBandwidth(c, out); err != nil {
		return err
	}
	if err := convertCPURealtime(c, out); err != nil {
		return err
	}
	if c.Cpus != "" && !validList(c.Cpus) {
		return fmt.Errorf("linux.resources.cpu.cpus %q: invalid cpu list (want e.g. 0-3,6)", c.Cpus)
	}
	out.CpusetCpus = c.Cpus
	if c.Mems != "" && !validList(c.Mems) {
		return fmt.Errorf("linux.resources.cpu.mems %q: invalid memory node list (want e.g. 0-1,3)", c.Mems)
	}
	out.CpusetMems = c.Mems
	if c.Idle != nil {
		if *c.Idle != 0 && *c.Idle != 1 {
			return fmt.Errorf("linux.resources.cpu.idle %d: want 0 or 1 (SCHED_IDLE)", *c.Idle)
		}
		v := *c.Idle
		out.CPUIdle = &v
	}
	return nil
}

// cpu.shares as cgroup v1 accepts them (kernel/sched: MIN_SHARES, MAX_SHARES). The kernel clamps
// other values silently, the library then reads the file back and fails without naming the field,
// and its conversion to the v2 weight wraps around below 2.
const (
	minCPUShares = 2
	maxCPUShares = 262144
)

// checkShares accepts 0, the library's "unset" (the kernel default stays), or a v1 share count.
func checkShares(v uint64) error {
	if v != 0 && (v < minCPUShares || v > maxCPUShares) {
		return fmt.Errorf("linux.resources.cpu.shares %d: want %d to %d", v, minCPUShares, maxCPUShares)
	}
	return nil
}

// CFS bandwidth limits as the kernel accepts them (kernel/sched/core.c): a period between 1 ms
// and 1 s, a quota of at least 1 ms.
const (
	minCFSPeriod = 1000
	maxCFSPeriod = 1000000
	minCFSQuota  = 1000
)

func convertCPUBandwidth(c *specs.LinuxCPU, out *cgroups.Resources) error {
	if c.Quota != nil {
		q := *c.Quota
		if q < -1 || (q > 0 && q < minCFSQuota) {
			return fmt.Errorf("linux.resources.cpu.quota %d: must be -1 (unlimited) or at least %d (µs)", q, minCFSQuota)
		}
		out.CpuQuota = q
	}
	if c.Period != nil {
		p := *c.Period
		if p != 0 && (p < minCFSPeriod || p > maxCFSPeriod) {
			return fmt.Errorf("linux.resources.cpu.period %d: want %d to %d (µs)", p, minCFSPeriod, maxCFSPeriod)
		}
		out.CpuPeriod = p
	}
	if c.Burst != nil {
		b := *c.Burst
		if out.CpuQuota > 0 && b > uint64(out.CpuQuota) {
			return fmt.Errorf("linux.resources.cpu.burst %d: must not exceed linux.resources.cpu.quota (%d)", b, out.CpuQuota)
		}
		out.CpuBurst = &b
	}
	return nil
}

func convertCPURealtime(c *specs.LinuxCPU, out *cgroups.Resources) error {
	if c.RealtimeRuntime != nil {
		if *c.RealtimeRuntime < -1 {
			return fmt.Errorf("linux.resources.cpu.realtimeRuntime %d: must be -1 (unlimited) or at least 0 (µs)",
				*c.RealtimeRuntime)
		}
		out.CpuRtRuntime = *c.RealtimeRuntime
	}
	if c.RealtimePeriod != nil {
		out.CpuRtPeriod = *c.RealtimePeriod
	}
	if out.CpuRtRuntime > 0 && out.CpuRtPeriod > 0 && uint64(out.CpuRtRuntime) > out.CpuRtPeriod {
		return fmt.Errorf("linux.resources.cpu.realtimeRuntime %d: must not exceed linux.resources.cpu.realtimePeriod (%d)",
			out.CpuRtRuntime, out.CpuRtPeriod)
	}
	return nil
}

// validList reports whether s is a kernel cpu or node list (cpuset(7) "List format"): comma
// separated numbers and ranges "a-b", a range optionally strided "a-b:used/group".
func validList(s string) bool {
	for item := range strings.SplitSeq(s, ",") {
		if !validListItem(item) {
			return false
		}
	}
	return true
}

func validListItem(item string) bool {
	rng, stride, strided := strings.Cut(item, ":")
	lo, hi, isRange := strings.Cut(rng, "-")
	a, errA := strconv.ParseUint(lo, 10, 32)
	if errA != nil {
		return false
	}
	if !isRange {
		return !strided
	}
	b, errB := strconv.ParseUint(hi, 10, 32)
	if errB != nil || b < a {
		return false
	}
	if !strided {
		return true
	}
	used, group, ok := strings.Cut(stride, "/")
	u, errU := strconv.ParseUint(used, 10, 32)
	g, errG := strconv.ParseUint(group, 10, 32)
	return ok && errU == nil && errG == nil && u > 0 && u <= g
}

func convertPids(r *specs.LinuxResources, out *cgroups.Resources) error {
	if r.Pids == nil || r.Pids.Limit == nil {
		return nil
	}
	v := *r.Pids.Limit
	// The runtime-spec says 0 is a real limit. The library writes it as "1" (as systemd must):
	// the container's init already counts, so either way no process can fork.
	if v < -1 {
		return fmt.Errorf("linux.resources.pids.limit %d: must be -1 (unlimited) or at least 0", v)
	}
	out.PidsLimit = &v
	return nil
}

// isHugepageSize checks the runtime-spec's "<size><unit-prefix>B" (^[1-9][0-9]*[KMGTPE]?B$),
// as the kernel names its hugetlb.<size>.* files. By hand: a regular expression compiled at
// package init cost every berth process ~0.03 ms for a field few configs have.
func isHugepageSize(s string) bool {
	s, ok := strings.CutSuffix(s, "B")
	if !ok || s == "" {
		return false
	}
	if strings.ContainsRune("KMGTPE", rune(s[len(s)-1])) {
		s = s[:len(s)-1]
	}
	if s == "" || s[0] == '0' {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

func convertHugepages(r *specs.LinuxResources, out *cgroups.Resources) error {
	for i, h := range r.HugepageLimits {
		if !isHugepageSize(h.Pagesize) {
			return fmt.Errorf("linux.resources.hugepageLimits[%d].pageSize %q: want a size like 64KB, 2MB or 1GB",
				i, h.Pagesize)
		}
		out.HugetlbLimit = append(out.HugetlbLimit, &cgroups.HugepageLimit{Pagesize: h.Pagesize, Limit: h.Limit})
	}
	return nil
}

func convertNetwork(r *specs.LinuxResources, out *cgroups.Resources) error {
	n := r.Network
	if n == nil {
		return nil
	}
	if n.ClassID != nil {
		out.NetClsClassid = *n.ClassID
	}
	for i, p := range n.Priorities {
		if !validInterfaceName(p.Name) {
			return fmt.Errorf("linux.resources.network.priorities[%d].name %q: want a network interface name",
				i, p.Name)
		}
		out.NetPrioIfpriomap = append(out.NetPrioIfpriomap,
			&cgroups.IfPrioMap{Interface: p.Name, Priority: int64(p.Priority)})
	}
	return nil
}

// validInterfaceName follows the kernel's dev_valid_name: 1 to 15 bytes, no '/', ':' or space,
// not "." or "..". Anything else would corrupt the "name prio" line written to net_prio.
func validInterfaceName(name string) bool {
	if name == "" || len(name) > 15 || name == "." || name == ".." {
		return false
	}
	return !strings.ContainsAny(name, "/: \t\n\r\v\f")
}

func convertRdma(r *specs.LinuxResources, out *cgroups.Resources) error {
	if len(r.Rdma) == 0 {
		return nil
	}
	out.Rdma = make(map[string]cgroups.LinuxRdma, len(r.Rdma))
	for dev, limit := range r.Rdma {
		if dev == "" || strings.ContainsAny(dev, " \n") {
			return fmt.Errorf("linux.resources.rdma[%q]: want an RDMA device name", dev)
		}
		if limit.HcaHandles == nil && limit.HcaObjects == nil {
			return fmt.Errorf("linux.resources.rdma[%q]: set hcaHandles, hcaObjects or both", dev)
		}
		out.Rdma[dev] = cgroups.LinuxRdma{HcaHandles: copyPtr(limit.HcaHandles), HcaObjects: copyPtr(limit.HcaObjects)}
	}
	return nil
}

func isTrue(b *bool) bool { return b != nil && *b }

func copyPtr[T any](p *T) *T {
	if p == nil {
		return nil
	}
	v := *p
	return &v
}

// convertUnified copies cgroup v2 key/values. An empty map stays nil: the library's v1 managers
// refuse any non-nil Unified, even an empty one.
func convertUnified(r *specs.LinuxResources, out *cgroups.Resources) error {
	if len(r.Unified) == 0 {
		return nil
	}
	out.Unified = make(map[string]string, len(r.Unified))
	for key, value := range r.Unified {
		if _, ok := unifiedController(key); !ok {
			return fmt.Errorf("linux.resources.unified[%q]: want a file name of the form controller.parameter", key)
		}
		out.Unified[key] = value
	}
	return nil
}

// unifiedController returns the controller a cgroup v2 file belongs to ("memory" for
// "memory.max", "cgroup" for the core files), and whether key is a plain file name of that form.
func unifiedController(key string) (string, bool) {
	controller, param, ok := strings.Cut(key, ".")
	if !ok || controller == "" || param == "" || strings.ContainsAny(key, "/\x00") {
		return "", false
	}
	return controller, true
}
