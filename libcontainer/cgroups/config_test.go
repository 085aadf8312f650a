package cgroups

import (
	"strings"
	"testing"

	"github.com/opencontainers/cgroups"
	specs "github.com/opencontainers/runtime-spec/specs-go"
)

func specWithPath(path string) *specs.Spec {
	return &specs.Spec{Linux: &specs.Linux{CgroupsPath: path}}
}

func TestConfigPlace(t *testing.T) {
	tests := []struct {
		name   string
		driver string
		path   string
		want   cgroups.Cgroup // without Resources
	}{
		{"cgroupfs empty: <id> below berth's own cgroup", DriverCgroupfs, "", cgroups.Cgroup{Path: "c1"}},
		{"no driver means cgroupfs", "", "", cgroups.Cgroup{Path: "c1"}},
		{"cgroupfs absolute", DriverCgroupfs, "/berth/c1", cgroups.Cgroup{Path: "/berth/c1"}},
		{"cgroupfs absolute cleaned", DriverCgroupfs, "/berth//x/../c1/", cgroups.Cgroup{Path: "/berth/c1"}},
		{"cgroupfs absolute cannot climb", DriverCgroupfs, "/../../c1", cgroups.Cgroup{Path: "/c1"}},
		{"cgroupfs relative", DriverCgroupfs, "pods/c1", cgroups.Cgroup{Path: "pods/c1"}},
		{"cgroupfs relative cannot climb", DriverCgroupfs, "../../pods/c1", cgroups.Cgroup{Path: "pods/c1"}},
		{"cgroupfs takes a systemd-looking path as a name", DriverCgroupfs, "system.slice:berth:c1",
			cgroups.Cgroup{Path: "system.slice:berth:c1"}},
		{"systemd empty", DriverSystemd, "",
			cgroups.Cgroup{Systemd: true, Parent: "system.slice", ScopePrefix: "berth", Name: "c1"}},
		{"systemd slice:prefix:name", DriverSystemd, "system.slice:berth:c1",
			cgroups.Cgroup{Systemd: true, Parent: "system.slice", ScopePrefix: "berth", Name: "c1"}},
		{"systemd nested slice", DriverSystemd, "machine-pods.slice:cri:abc-1",
			cgroups.Cgroup{Systemd: true, Parent: "machine-pods.slice", ScopePrefix: "cri", Name: "abc-1"}},
		{"systemd empty slice means system.slice", DriverSystemd, ":berth:c1",
			cgroups.Cgroup{Systemd: true, Parent: "system.slice", ScopePrefix: "berth", Name: "c1"}},
		{"systemd name is a slice", DriverSystemd, "system.slice::c1.slice",
			cgroups.Cgroup{Systemd: true, Parent: "system.slice", Name: "c1.slice"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Config(specWithPath(tt.path), "c1", tt.driver)
			if err != nil {
				t.Fatal(err)
			}
			if got.Resources == nil || len(got.Resources.Devices) == 0 {
				t.Errorf("Resources %+v: want at least the device rules", got.Resources)
			}
			got.Resources = nil
			if !cgroupEqual(*got, tt.want) {
				t.Errorf("got %+v, want %+v", *got, tt.want)
			}
		})
	}
}

func cgroupEqual(a, b cgroups.Cgroup) bool {
	return a.Path == b.Path && a.Parent == b.Parent && a.Name == b.Name && a.ScopePrefix == b.ScopePrefix &&
		a.Systemd == b.Systemd && a.Rootless == b.Rootless && a.OwnerUID == nil && b.OwnerUID == nil
}

func TestConfigErrors(t *testing.T) {
	tests := []struct {
		name   string
		spec   *specs.Spec
		driver string
		want   string
	}{
		{"unknown driver", specWithPath(""), "cgroupv3", `cgroup driver "cgroupv3": want cgroupfs or systemd`},
		{"cgroupfs path names nothing", specWithPath(".."), DriverCgroupfs,
			`linux.cgroupsPath "..": names no cgroup below berth's own`},
		{"cgroupfs path with NUL", specWithPath("a\x00b"), DriverCgroupfs, `linux.cgroupsPath "a\x00b": contains a NUL byte`},
		{"systemd absolute path", specWithPath("/berth/c1"), DriverSystemd,
			`linux.cgroupsPath "/berth/c1": the systemd cgroup driver wants slice:prefix:name (e.g. system.slice:berth:c1)`},
		{"systemd two parts", specWithPath("system.slice:c1"), DriverSystemd,
			`linux.cgroupsPath "system.slice:c1": the systemd cgroup driver wants slice:prefix:name (e.g. system.slice:berth:c1)`},
		{"systemd four parts", specWithPath("a.slice:b:c:d"), DriverSystemd,
			`linux.cgroupsPath "a.slice:b:c:d": the systemd cgroup driver wants slice:prefix:name (e.g. system.slice:berth:c1)`},
		{"systemd slice without .slice", specWithPath("system:berth:c1"), DriverSystemd,
			`linux.cgroupsPath "system:berth:c1": slice "system": want a systemd slice name like system.slice or machine-app.slice`},
		{"systemd slice with --", specWithPath("a--b.slice:berth:c1"), DriverSystemd,
			`linux.cgroupsPath "a--b.slice:berth:c1": slice "a--b.slice": want a systemd slice name like system.slice or machine-app.slice`},
		{"systemd empty name", specWithPath("system.slice:berth:"), DriverSystemd,
			`linux.cgroupsPath "system.slice:berth:": name "": is empty`},
		{"systemd name with slash", specWithPath("system.slice:berth:a/b"), DriverSystemd,
			`linux.cgroupsPath "system.slice:berth:a/b": name "a/b": '/' is not allowed in a systemd unit name`},
		{"systemd empty prefix", specWithPath("system.slice::c1"), DriverSystemd,
			`linux.cgroupsPath "system.slice::c1": empty prefix: the scope would be named -c1.scope`},
		{"systemd prefix with space", specWithPath("system.slice:my app:c1"), DriverSystemd,
			`linux.cgroupsPath "system.slice:my app:c1": prefix "my app": ' ' is not allowed in a systemd unit name`},
		{"resources are checked too", &specs.Spec{Linux: &specs.Linux{Resources: &specs.LinuxResources{
			Pids: &specs.LinuxPids{Limit: ptr[int64](-9)}}}}, DriverCgroupfs,
			"linux.resources.pids.limit -9: must be -1 (unlimited) or at least 0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Config(tt.spec, "c1", tt.driver)
			if err == nil {
				t.Fatalf("Config = %+v, want error %q", got, tt.want)
			}
			if err.Error() != tt.want {
				t.Errorf("error\n got %q\nwant %q", err, tt.want)
			}
		})
	}
}

func TestConfigResources(t *testing.T) {
	s := &specs.Spec{Linux: &specs.Linux{Resources: &specs.LinuxResources{Memory: &specs.LinuxMemory{Limit: ptr[int64](1 << 20)}}}}
	for _, driver := range []string{DriverCgroupfs, DriverSystemd} {
		t.Run(driver, func(t *testing.T) {
			cg, err := Config(s, "c1", driver)
			if err != nil {
				t.Fatal(err)
			}
			if cg.Resources.Memory != 1<<20 {
				t.Errorf("Memory = %d, want %d", cg.Resources.Memory, 1<<20)
			}
		})
	}
	t.Run("no linux section", func(t *testing.T) {
		cg, err := Config(&specs.Spec{}, "c1", DriverCgroupfs)
		if err != nil {
			t.Fatal(err)
		}
		if cg.Path != "c1" || len(cg.Resources.Devices) != 1+len(defaultDeviceRules) {
			t.Errorf("got %+v with %d device rules", cg, len(cg.Resources.Devices))
		}
	})
}

// TestConfigErrorsNameTheField checks the convention every config error follows.
func TestConfigErrorsNameTheField(t *testing.T) {
	_, err := Config(specWithPath("bad"), "c1", DriverSystemd)
	if err == nil || !strings.HasPrefix(err.Error(), "linux.cgroupsPath ") {
		t.Errorf("error %v: want it to start with linux.cgroupsPath", err)
	}
}
