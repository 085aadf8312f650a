package seccomp

import (
	"slices"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	libseccomp "github.com/seccomp/libseccomp-golang"
	"golang.org/x/sys/unix"
)

// The name tables below are the single source of truth for what config.json may say: Build
// looks names up in them and `berth features` lists them through the Known* functions, so the
// two cannot drift apart.

// actions maps runtime-spec action names to libseccomp actions. SCMP_ACT_KILL is libseccomp's
// historic name for killing the offending thread only.
var actions = map[specs.LinuxSeccompAction]libseccomp.ScmpAction{
	specs.ActKill:        libseccomp.ActKillThread,
	specs.ActKillThread:  libseccomp.ActKillThread,
	specs.ActKillProcess: libseccomp.ActKillProcess,
	specs.ActTrap:        libseccomp.ActTrap,
	specs.ActErrno:       libseccomp.ActErrno,
	specs.ActTrace:       libseccomp.ActTrace,
	specs.ActAllow:       libseccomp.ActAllow,
	specs.ActLog:         libseccomp.ActLog,
	specs.ActNotify:      libseccomp.ActNotify,
}

// arches maps runtime-spec architecture names to libseccomp's. The last four need libseccomp
// 2.6; with an older library Build names the entry and says so.
var arches = map[specs.Arch]libseccomp.ScmpArch{
	specs.ArchX86:         libseccomp.ArchX86,
	specs.ArchX86_64:      libseccomp.ArchAMD64,
	specs.ArchX32:         libseccomp.ArchX32,
	specs.ArchARM:         libseccomp.ArchARM,
	specs.ArchAARCH64:     libseccomp.ArchARM64,
	specs.ArchMIPS:        libseccomp.ArchMIPS,
	specs.ArchMIPS64:      libseccomp.ArchMIPS64,
	specs.ArchMIPS64N32:   libseccomp.ArchMIPS64N32,
	specs.ArchMIPSEL:      libseccomp.ArchMIPSEL,
	specs.ArchMIPSEL64:    libseccomp.ArchMIPSEL64,
	specs.ArchMIPSEL64N32: libseccomp.ArchMIPSEL64N32,
	specs.ArchPPC:         libseccomp.ArchPPC,
	specs.ArchPPC64:       libseccomp.ArchPPC64,
	specs.ArchPPC64LE:     libseccomp.ArchPPC64LE,
	specs.ArchS390:        libseccomp.ArchS390,
	specs.ArchS390X:       libseccomp.ArchS390X,
	specs.ArchPARISC:      libseccomp.ArchPARISC,
	specs.ArchPARISC64:    libseccomp.ArchPARISC64,
	specs.ArchRISCV64:     libseccomp.ArchRISCV64,
	specs.ArchLOONGARCH64: libseccomp.ArchLOONGARCH64,
	specs.ArchM68K:        libseccomp.ArchM68K,
	specs.ArchSH:          libseccomp.ArchSH,
	specs.ArchSHEB:        libseccomp.ArchSHEB,
}

// operators maps runtime-spec comparison names to libseccomp's.
var operators = map[specs.LinuxSeccompOperator]libseccomp.ScmpCompareOp{
	specs.OpNotEqual:     libseccomp.CompareNotEqual,
	specs.OpLessThan:     libseccomp.CompareLess,
	specs.OpLessEqual:    libseccomp.CompareLessOrEqual,
	specs.OpEqualTo:      libseccomp.CompareEqual,
	specs.OpGreaterEqual: libseccomp.CompareGreaterEqual,
	specs.OpGreaterThan:  libseccomp.CompareGreater,
	specs.OpMaskedEqual:  libseccomp.CompareMaskedEqual,
}

// flagTSYNC is the one flag runtime-spec names that specs-go has no constant for.
const flagTSYNC specs.LinuxSeccompFlag = "SECCOMP_FILTER_FLAG_TSYNC"

// flags maps runtime-spec filter flags to seccomp(2) flag bits. Load passes them to the kernel
// itself, so every flag works whatever libseccomp version is linked.
var flags = map[specs.LinuxSeccompFlag]uintptr{
	flagTSYNC:                              unix.SECCOMP_FILTER_FLAG_TSYNC,
	specs.LinuxSeccompFlagLog:              unix.SECCOMP_FILTER_FLAG_LOG,
	specs.LinuxSeccompFlagSpecAllow:        unix.SECCOMP_FILTER_FLAG_SPEC_ALLOW,
	specs.LinuxSeccompFlagWaitKillableRecv: unix.SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV,
}

// KnownActions returns the action names Build accepts, sorted.
func KnownActions() []string { return sortedKeys(actions) }

// KnownArches returns the architecture names Build knows, sorted. Some need a newer libseccomp
// than the one linked (Build says so for those).
func KnownArches() []string { return sortedKeys(arches) }

// KnownOperators returns the argument comparison names Build accepts, sorted.
func KnownOperators() []string { return sortedKeys(operators) }

// KnownFlags returns the filter flag names Build accepts, sorted.
func KnownFlags() []string { return sortedKeys(flags) }

// SupportedFlags returns the filter flag names of KnownFlags that this kernel accepts, sorted.
// Each is probed with a seccomp(2) call that has no filter: the kernel checks the flags first
// (EINVAL for one it does not know) and then fails to read the filter (EFAULT), so nothing is
// ever installed.
func SupportedFlags() []string {
	var out []string
	for _, name := range KnownFlags() {
		flag := flags[specs.LinuxSeccompFlag(name)]
		if flag == unix.SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV {
			// Refused without a listener, which is how Load uses it.
			flag |= unix.SECCOMP_FILTER_FLAG_NEW_LISTENER
		}
		_, _, errno := unix.Syscall(unix.SYS_SECCOMP, unix.SECCOMP_SET_MODE_FILTER, flag, 0)
		if errno == unix.EFAULT {
			out = append(out, name)
		}
	}
	return out
}

func sortedKeys[K ~string, V any](m map[K]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, string(k))
	}
	slices.Sort(out)
	return out
}
