package cgroups

import (
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"strings"
)

// fileFields maps the cgroup files the library writes to the linux.resources field that asked
// for the write, for both cgroup v1 and v2 names.
var fileFields = map[string]string{
	"memory.limit_in_bytes":            "linux.resources.memory.limit",
	"memory.max":                       "linux.resources.memory.limit",
	"memory.soft_limit_in_bytes":       "linux.resources.memory.reservation",
	"memory.low":                       "linux.resources.memory.reservation",
	"memory.memsw.limit_in_bytes":      "linux.resources.memory.swap",
	"memory.swap.max":                  "linux.resources.memory.swap",
	"memory.swappiness":                "linux.resources.memory.swappiness",
	"memory.oom_control":               "linux.resources.memory.disableOOMKiller",
	"cpu.shares":                       "linux.resources.cpu.shares",
	"cpu.weight":                       "linux.resources.cpu.shares",
	"cpu.cfs_quota_us":                 "linux.resources.cpu.quota",
	"cpu.cfs_period_us":                "linux.resources.cpu.period",
	"cpu.max":                          "linux.resources.cpu.quota",
	"cpu.cfs_burst_us":                 "linux.resources.cpu.burst",
	"cpu.max.burst":                    "linux.resources.cpu.burst",
	"cpu.rt_runtime_us":                "linux.resources.cpu.realtimeRuntime",
	"cpu.rt_period_us":                 "linux.resources.cpu.realtimePeriod",
	"cpu.idle":                         "linux.resources.cpu.idle",
	"cpuset.cpus":                      "linux.resources.cpu.cpus",
	"cpuset.mems":                      "linux.resources.cpu.mems",
	"pids.max":                         "linux.resources.pids.limit",
	"blkio.weight":                     "linux.resources.blockIO.weight",
	"blkio.bfq.weight":                 "linux.resources.blockIO.weight",
	"io.weight":                        "linux.resources.blockIO.weight",
	"io.bfq.weight":                    "linux.resources.blockIO.weight",
	"blkio.leaf_weight":                "linux.resources.blockIO.leafWeight",
	"blkio.weight_device":              "linux.resources.blockIO.weightDevice",
	"blkio.bfq.weight_device":          "linux.resources.blockIO.weightDevice",
	"blkio.leaf_weight_device":         "linux.resources.blockIO.weightDevice",
	"blkio.throttle.read_bps_device":   "linux.resources.blockIO.throttleReadBpsDevice",
	"blkio.throttle.write_bps_device":  "linux.resources.blockIO.throttleWriteBpsDevice",
	"blkio.throttle.read_iops_device":  "linux.resources.blockIO.throttleReadIOPSDevice",
	"blkio.throttle.write_iops_device": "linux.resources.blockIO.throttleWriteIOPSDevice",
	"io.max":                           "linux.resources.blockIO",
	"net_cls.classid":                  "linux.resources.network.classID",
	"net_prio.ifpriomap":               "linux.resources.network.priorities",
	"rdma.max":                         "linux.resources.rdma",
	"devices.allow":                    "linux.resources.devices",
	"devices.deny":                     "linux.resources.devices",
}

// NameField puts the linux.resources field in front of an error of the cgroup library about a
// file it could not write, so that a value the kernel refuses (a cpuset outside the host's CPUs,
// more realtime runtime than the parent grants) reads "linux.resources.cpu.cpus: the kernel
// refused it: write .../cpuset.cpus: numerical result out of range" instead of naming only the
// file. Other errors come back unchanged.
func NameField(err error) error {
	var pe *fs.PathError
	if err == nil || !errors.As(err, &pe) {
		return err
	}
	field, ok := fieldOfFile(filepath.Base(pe.Path))
	if !ok || strings.Contains(err.Error(), field) {
		return err
	}
	return fmt.Errorf("%s: the kernel refused it: %w", field, err)
}

// fieldOfFile finds the field of a cgroup file name; hugetlb files carry the page size in their
// name (hugetlb.2MB.limit_in_bytes, hugetlb.2MB.max).
func fieldOfFile(name string) (string, bool) {
	if f, ok := fileFields[name]; ok {
		return f, true
	}
	if strings.HasPrefix(name, "hugetlb.") {
		return "linux.resources.hugepageLimits", true
	}
	return "", false
}

// nameUnifiedKey names the linux.resources.unified key whose file the kernel refused, or returns
// nil when err is about no such file. A missing file is a key this kernel does not know or whose
// controller is not enabled for the container's cgroup.
func nameUnifiedKey(err error, unified map[string]string) error {
	var pe *fs.PathError
	if !errors.As(err, &pe) {
		return nil
	}
	key := filepath.Base(pe.Path)
	if _, ok := unified[key]; !ok {
		return nil
	}
	if errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("linux.resources.unified[%q]: no such file in the container's cgroup "+
			"(unknown to this kernel, or its controller is not enabled): %w", key, pe)
	}
	return fmt.Errorf("linux.resources.unified[%q]: the kernel refused %q: %w", key, unified[key], pe)
}
