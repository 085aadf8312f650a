package sched

import (
	"fmt"
	"os"
	"slices"
	"unsafe"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"
)

var mempolicyModes = map[specs.MemoryPolicyModeType]int{
	specs.MpolDefault:            unix.MPOL_DEFAULT,
	specs.MpolBind:               unix.MPOL_BIND,
	specs.MpolInterleave:         unix.MPOL_INTERLEAVE,
	specs.MpolWeightedInterleave: unix.MPOL_WEIGHTED_INTERLEAVE,
	specs.MpolPreferred:          unix.MPOL_PREFERRED,
	specs.MpolPreferredMany:      unix.MPOL_PREFERRED_MANY,
	specs.MpolLocal:              unix.MPOL_LOCAL,
}

var mempolicyFlags = map[specs.MemoryPolicyFlagType]int{
	specs.MpolFNumaBalancing: unix.MPOL_F_NUMA_BALANCING,
	specs.MpolFRelativeNodes: unix.MPOL_F_RELATIVE_NODES,
	specs.MpolFStaticNodes:   unix.MPOL_F_STATIC_NODES,
}

// KnownMemoryPolicyModes returns the linux.memoryPolicy.mode names SetMemoryPolicy accepts, sorted.
func KnownMemoryPolicyModes() []string { return sortedNames(mempolicyModes) }

// KnownMemoryPolicyFlags returns the linux.memoryPolicy.flags names SetMemoryPolicy accepts, sorted.
func KnownMemoryPolicyFlags() []string { return sortedNames(mempolicyFlags) }

func sortedNames[K ~string, V any](m map[K]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, string(k))
	}
	slices.Sort(out)
	return out
}

// mempolicy is the parsed argument list of set_mempolicy(2).
type mempolicy struct {
	mode  int      // the mode or'ed with its flags
	nodes []uint64 // the node mask, one bit per node; nil for none
}

// parseMemoryPolicy checks linux.memoryPolicy against set_mempolicy(2): DEFAULT and LOCAL take
// no nodes; BIND, INTERLEAVE, WEIGHTED_INTERLEAVE and PREFERRED_MANY need at least one;
// PREFERRED may have none (it then means local allocation); STATIC and RELATIVE exclude each
// other.
func parseMemoryPolicy(m *specs.LinuxMemoryPolicy) (*mempolicy, error) {
	mode, ok := mempolicyModes[m.Mode]
	if !ok {
		return nil, fmt.Errorf("linux.memoryPolicy.mode %q: unknown mode", m.Mode)
	}
	p := &mempolicy{mode: mode}
	for i, f := range m.Flags {
		bit, ok := mempolicyFlags[f]
		if !ok {
			return nil, fmt.Errorf("linux.memoryPolicy.flags[%d] %q: unknown flag", i, f)
		}
		p.mode |= bit
	}
	if p.mode&unix.MPOL_F_STATIC_NODES != 0 && p.mode&unix.MPOL_F_RELATIVE_NODES != 0 {
		return nil, fmt.Errorf("linux.memoryPolicy.flags: %s and %s exclude each other", specs.MpolFStaticNodes, specs.MpolFRelativeNodes)
	}
	if err := p.setNodes(m); err != nil {
		return nil, err
	}
	return p, nil
}

func (p *mempolicy) setNodes(m *specs.LinuxMemoryPolicy) error {
	switch m.Mode {
	case specs.MpolDefault, specs.MpolLocal:
		if m.Nodes != "" {
			return fmt.Errorf("linux.memoryPolicy.nodes %q: %s takes no nodes", m.Nodes, m.Mode)
		}
		return nil
	case specs.MpolPreferred:
		if m.Nodes == "" {
			return nil
		}
	default:
		if m.Nodes == "" {
			return fmt.Errorf("linux.memoryPolicy.nodes: %s needs at least one node", m.Mode)
		}
	}
	nodes, err := parseList(m.Nodes)
	if err != nil {
		return fmt.Errorf("linux.memoryPolicy.nodes %q: %w", m.Nodes, err)
	}
	p.nodes = make([]uint64, nodes[len(nodes)-1]/64+1)
	for _, n := range nodes {
		p.nodes[n/64] |= 1 << (n % 64)
	}
	return nil
}

// SetMemoryPolicy applies linux.memoryPolicy to the calling thread; the policy survives execve
// and is inherited by children. It needs no privilege.
func SetMemoryPolicy(m *specs.LinuxMemoryPolicy) error {
	if m == nil {
		return nil
	}
	p, err := parseMemoryPolicy(m)
	if err != nil {
		return err
	}
	var mask unsafe.Pointer
	if len(p.nodes) > 0 {
		mask = unsafe.Pointer(&p.nodes[0])
	}
	// The kernel reads maxnode-1 bits (a historical off-by-one), hence the +1.
	maxnode := uintptr(len(p.nodes)*64 + 1)
	_, _, errno := unix.Syscall(unix.SYS_SET_MEMPOLICY, uintptr(p.mode), uintptr(mask), maxnode)
	if errno != 0 {
		return fmt.Errorf("linux.memoryPolicy %s %q: %w", m.Mode, m.Nodes, os.NewSyscallError("set_mempolicy", errno))
	}
	return nil
}

// MemoryPolicy returns the calling thread's mode (with its flags) and the first 64 nodes of its
// node mask, as get_mempolicy(2) reports them.
func MemoryPolicy() (mode int, nodes uint64, err error) {
	var m int32
	var mask [16]uint64 // room for 1024 nodes, the most the kernel supports
	_, _, errno := unix.Syscall6(unix.SYS_GET_MEMPOLICY, uintptr(unsafe.Pointer(&m)),
		uintptr(unsafe.Pointer(&mask[0])), uintptr(len(mask)*64), 0, 0, 0)
	if errno != 0 {
		return 0, 0, os.NewSyscallError("get_mempolicy", errno)
	}
	return int(m), mask[0], nil
}
