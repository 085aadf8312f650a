package container

import libcg "github.com/opencontainers/cgroups"

// Event is one line of `berth events`: runc's JSON, which containerd and others parse.
type Event struct {
	Type string `json:"type"` // "stats" or "oom"
	ID   string `json:"id"`
	Data *Stats `json:"data,omitempty"`
}

// Event types.
const (
	EventStats = "stats"
	EventOOM   = "oom"
)

// Stats is a container's cgroup statistics with runc's JSON field names.
type Stats struct {
	CPU      CPU                `json:"cpu"`
	CPUSet   CPUSet             `json:"cpuset"`
	Memory   Memory             `json:"memory"`
	Pids     Pids               `json:"pids"`
	Blkio    Blkio              `json:"blkio"`
	Hugetlb  map[string]Hugetlb `json:"hugetlb"`
	IntelRdt struct{}           `json:"intel_rdt"` // berth has no Intel RDT support: always {}
	// Network statistics are not collected; runc prints null for them too when it has none.
	NetworkInterfaces []any `json:"network_interfaces"`
}

// CPU is the cpu and cpuacct statistics; times in nanoseconds.
type CPU struct {
	Usage      CPUUsage   `json:"usage"`
	Throttling Throttling `json:"throttling"`
}

// CPUUsage is the CPU time used, in total, per CPU, and in kernel and user mode.
type CPUUsage struct {
	Total        uint64   `json:"total,omitempty"`
	PerCPU       []uint64 `json:"percpu,omitempty"`
	PerCPUKernel []uint64 `json:"percpu_kernel,omitempty"`
	PerCPUUser   []uint64 `json:"percpu_user,omitempty"`
	Kernel       uint64   `json:"kernel"`
	User         uint64   `json:"user"`
}

// Throttling is the CFS bandwidth control's accounting.
type Throttling struct {
	Periods          uint64 `json:"periods,omitempty"`
	ThrottledPeriods uint64 `json:"throttled_periods,omitempty"`
	ThrottledTime    uint64 `json:"throttled_time,omitempty"`
}

// CPUSet is the cpuset cgroup's settings (cgroup v1).
type CPUSet struct {
	CPUs                  []uint16 `json:"cpus,omitempty"`
	CPUExclusive          uint64   `json:"cpu_exclusive"`
	Mems                  []uint16 `json:"mems,omitempty"`
	MemHardwall           uint64   `json:"mem_hardwall"`
	MemExclusive          uint64   `json:"mem_exclusive"`
	MemoryMigrate         uint64   `json:"memory_migrate"`
	MemorySpreadPage      uint64   `json:"memory_spread_page"`
	MemorySpreadSlab      uint64   `json:"memory_spread_slab"`
	MemoryPressure        uint64   `json:"memory_pressure"`
	SchedLoadBalance      uint64   `json:"sched_load_balance"`
	SchedRelaxDomainLevel int64    `json:"sched_relax_domain_level"`
}

// Memory is the memory cgroup's usage counters and its memory.stat lines (raw).
type Memory struct {
	Cache     uint64            `json:"cache,omitempty"`
	Usage     MemoryEntry       `json:"usage"`
	Swap      MemoryEntry       `json:"swap"`
	Kernel    MemoryEntry       `json:"kernel"`
	KernelTCP MemoryEntry       `json:"kernelTCP"`
	Raw       map[string]uint64 `json:"raw,omitempty"`
}

// MemoryEntry is one memory counter with its limit, peak and failure count, in bytes.
type MemoryEntry struct {
	Limit   uint64 `json:"limit"`
	Usage   uint64 `json:"usage,omitempty"`
	Max     uint64 `json:"max,omitempty"`
	Failcnt uint64 `json:"failcnt"`
}

// Pids is the number of processes and their limit (0: none).
type Pids struct {
	Current uint64 `json:"current,omitempty"`
	Limit   uint64 `json:"limit,omitempty"`
}

// Blkio is the block IO counters, per device and operation.
type Blkio struct {
	IoServiceBytesRecursive []BlkioEntry `json:"ioServiceBytesRecursive,omitempty"`
	IoServicedRecursive     []BlkioEntry `json:"ioServicedRecursive,omitempty"`
	IoQueuedRecursive       []BlkioEntry `json:"ioQueueRecursive,omitempty"`
	IoServiceTimeRecursive  []BlkioEntry `json:"ioServiceTimeRecursive,omitempty"`
	IoWaitTimeRecursive     []BlkioEntry `json:"ioWaitTimeRecursive,omitempty"`
	IoMergedRecursive       []BlkioEntry `json:"ioMergedRecursive,omitempty"`
	IoTimeRecursive         []BlkioEntry `json:"ioTimeRecursive,omitempty"`
	SectorsRecursive        []BlkioEntry `json:"sectorsRecursive,omitempty"`
}

// BlkioEntry is one counter of one block device.
type BlkioEntry struct {
	Major uint64 `json:"major,omitempty"`
	Minor uint64 `json:"minor,omitempty"`
	Op    string `json:"op,omitempty"`
	Value uint64 `json:"value,omitempty"`
}

// Hugetlb is the use of one huge page size, in bytes.
type Hugetlb struct {
	Usage   uint64 `json:"usage,omitempty"`
	Max     uint64 `json:"max,omitempty"`
	Failcnt uint64 `json:"failcnt"`
}

// convertStats turns the cgroup library's statistics into runc's shape.
func convertStats(s *libcg.Stats) *Stats {
	out := &Stats{
		CPU:     convertCPU(s.CpuStats),
		CPUSet:  CPUSet(s.CPUSetStats),
		Memory:  convertMemory(s.MemoryStats),
		Pids:    Pids{Current: s.PidsStats.Current, Limit: s.PidsStats.Limit},
		Blkio:   convertBlkio(s.BlkioStats),
		Hugetlb: make(map[string]Hugetlb, len(s.HugetlbStats)),
	}
	for size, h := range s.HugetlbStats {
		out.Hugetlb[size] = Hugetlb{Usage: h.Usage, Max: h.MaxUsage, Failcnt: h.Failcnt}
	}
	return out
}

func convertCPU(c libcg.CpuStats) CPU {
	u, t := c.CpuUsage, c.ThrottlingData
	return CPU{
		Usage: CPUUsage{
			Total:        u.TotalUsage,
			PerCPU:       u.PercpuUsage,
			PerCPUKernel: u.PercpuUsageInKernelmode,
			PerCPUUser:   u.PercpuUsageInUsermode,
			Kernel:       u.UsageInKernelmode,
			User:         u.UsageInUsermode,
		},
		Throttling: Throttling{Periods: t.Periods, ThrottledPeriods: t.ThrottledPeriods, ThrottledTime: t.ThrottledTime},
	}
}

func convertMemory(m libcg.MemoryStats) Memory {
	return Memory{
		Cache:     m.Cache,
		Usage:     memoryEntry(m.Usage),
		Swap:      memoryEntry(m.SwapUsage),
		Kernel:    memoryEntry(m.KernelUsage),
		KernelTCP: memoryEntry(m.KernelTCPUsage),
		Raw:       m.Stats,
	}
}

func memoryEntry(d libcg.MemoryData) MemoryEntry {
	return MemoryEntry{Limit: d.Limit, Usage: d.Usage, Max: d.MaxUsage, Failcnt: d.Failcnt}
}

func convertBlkio(b libcg.BlkioStats) Blkio {
	return Blkio{
		IoServiceBytesRecursive: blkioEntries(b.IoServiceBytesRecursive),
		IoServicedRecursive:     blkioEntries(b.IoServicedRecursive),
		IoQueuedRecursive:       blkioEntries(b.IoQueuedRecursive),
		IoServiceTimeRecursive:  blkioEntries(b.IoServiceTimeRecursive),
		IoWaitTimeRecursive:     blkioEntries(b.IoWaitTimeRecursive),
		IoMergedRecursive:       blkioEntries(b.IoMergedRecursive),
		IoTimeRecursive:         blkioEntries(b.IoTimeRecursive),
		SectorsRecursive:        blkioEntries(b.SectorsRecursive),
	}
}

func blkioEntries(in []libcg.BlkioStatEntry) []BlkioEntry {
	if len(in) == 0 {
		return nil
	}
	out := make([]BlkioEntry, len(in))
	for i, e := range in {
		out[i] = BlkioEntry{Major: e.Major, Minor: e.Minor, Op: e.Op, Value: e.Value}
	}
	return out
}
