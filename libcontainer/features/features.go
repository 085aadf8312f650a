// Package features builds what `berth features` prints: the runtime-spec's features document
// (features.md) describing what this build of berth supports. Every list comes from the table
// the code itself looks names up in (spec.Namespaces, rootfs.KnownOptions, the seccomp and
// memory-policy tables, hooks.Kinds), so that what berth claims and what it does cannot drift.
package features

import (
	"slices"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"github.com/opencontainers/runtime-spec/specs-go/features"

	"github.com/berth-runtime/berth/libcontainer/hooks"
	"github.com/berth-runtime/berth/libcontainer/process"
	"github.com/berth-runtime/berth/libcontainer/rootfs"
	"github.com/berth-runtime/berth/libcontainer/sched"
	"github.com/berth-runtime/berth/libcontainer/seccomp"
	"github.com/berth-runtime/berth/spec"
)

// Annotation keys of the features document. The libseccomp one is the key the runtime-spec's
// example uses; the others are berth's own, in its reverse-domain namespace.
const (
	AnnotationVersion    = "io.github.berth-runtime.version"
	AnnotationCommit     = "io.github.berth-runtime.commit"
	AnnotationLibseccomp = "io.github.seccomp.libseccomp.version"
)

// OCIVersionMin is the oldest runtime-spec version whose configs berth accepts.
const OCIVersionMin = "1.0.0"

// What this build supports beyond the name tables. The runtime-spec defines these as "compiled
// in", not as what the host offers: AppArmor is supported even on a kernel without it.
const (
	cgroupV1, cgroupV2, cgroupSystemd = true, true, true
	cgroupSystemdUser                 = false // --systemd-cgroup talks to the system bus only
	cgroupRdma                        = true
	apparmor, selinux                 = true, true
	intelRdt                          = false // intelrdt only checks the host; nothing is applied
	netDevices                        = true  // libcontainer/netdev
)

// Get returns the features document of this berth, version and commit as `berth --version`
// prints them (commit may be "").
func Get(version, commit string) *features.Features {
	f := &features.Features{
		OCIVersionMin: OCIVersionMin,
		OCIVersionMax: specs.Version,
		Hooks:         slices.Clone(hooks.Kinds),
		MountOptions:  rootfs.KnownOptions(),
		Linux:         linux(),
		Annotations: map[string]string{
			AnnotationVersion:    version,
			AnnotationLibseccomp: seccomp.Version(),
		},
	}
	if commit != "" {
		f.Annotations[AnnotationCommit] = commit
	}
	return f
}

func linux() *features.Linux {
	return &features.Linux{
		Namespaces:   namespaceTypes(),
		Capabilities: process.KnownCapabilities(),
		Cgroup: &features.Cgroup{
			V1: ptr(cgroupV1), V2: ptr(cgroupV2), Systemd: ptr(cgroupSystemd),
			SystemdUser: ptr(cgroupSystemdUser), Rdma: ptr(cgroupRdma),
		},
		Seccomp: &features.Seccomp{
			Enabled:        ptr(true),
			Actions:        seccomp.KnownActions(),
			Operators:      seccomp.KnownOperators(),
			Archs:          seccomp.KnownArches(),
			KnownFlags:     seccomp.KnownFlags(),
			SupportedFlags: seccomp.SupportedFlags(),
		},
		Apparmor: &features.Apparmor{Enabled: ptr(apparmor)},
		Selinux:  &features.Selinux{Enabled: ptr(selinux)},
		IntelRdt: &features.IntelRdt{Enabled: ptr(intelRdt)},
		MemoryPolicy: &features.MemoryPolicy{
			Modes: sched.KnownMemoryPolicyModes(),
			Flags: sched.KnownMemoryPolicyFlags(),
		},
		MountExtensions: &features.MountExtensions{
			IDMap: &features.IDMap{Enabled: ptr(slices.Contains(rootfs.KnownOptions(), "idmap"))},
		},
		NetDevices: &features.NetDevices{Enabled: ptr(netDevices)},
	}
}

func namespaceTypes() []string {
	out := make([]string, len(spec.Namespaces))
	for i, ns := range spec.Namespaces {
		out[i] = string(ns.Type)
	}
	return out
}

func ptr[T any](v T) *T { return &v }
