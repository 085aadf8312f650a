package rootfs

import (
	"reflect"
	"slices"
	"testing"

	"golang.org/x/sys/unix"
)

func TestParseOptions(t *testing.T) {
	tests := []struct {
		name string
		opts []string
		want MountOptions
	}{
		{name: "empty"},
		{
			name: "runc default sysfs",
			opts: []string{"nosuid", "noexec", "nodev", "ro"},
			want: MountOptions{Flags: unix.MS_NOSUID | unix.MS_NOEXEC | unix.MS_NODEV | unix.MS_RDONLY},
		},
		{
			name: "unknown options become data in order",
			opts: []string{"nosuid", "mode=755", "size=65536k", "strictatime"},
			want: MountOptions{Flags: unix.MS_NOSUID | unix.MS_STRICTATIME, Data: "mode=755,size=65536k"},
		},
		{
			name: "later rw wins over ro",
			opts: []string{"ro", "rw"},
			want: MountOptions{Cleared: unix.MS_RDONLY},
		},
		{
			name: "later ro wins over rw",
			opts: []string{"rw", "ro"},
			want: MountOptions{Flags: unix.MS_RDONLY},
		},
		{
			name: "rbind is recursive bind",
			opts: []string{"rbind", "ro"},
			want: MountOptions{Flags: unix.MS_BIND | unix.MS_REC | unix.MS_RDONLY},
		},
		{
			name: "propagation kept in order",
			opts: []string{"bind", "rslave", "private"},
			want: MountOptions{
				Flags:       unix.MS_BIND,
				Propagation: []uintptr{unix.MS_SLAVE | unix.MS_REC, unix.MS_PRIVATE},
			},
		},
		{
			name: "recursive attributes",
			opts: []string{"rbind", "rro", "rnosuid", "rexec"},
			want: MountOptions{
				Flags: unix.MS_BIND | unix.MS_REC,
				Recursive: unix.MountAttr{
					Attr_set: unix.MOUNT_ATTR_RDONLY | unix.MOUNT_ATTR_NOSUID,
					Attr_clr: unix.MOUNT_ATTR_NOEXEC,
				},
			},
		},
		{
			name: "rrw after rro clears",
			opts: []string{"rro", "rrw"},
			want: MountOptions{Recursive: unix.MountAttr{Attr_clr: unix.MOUNT_ATTR_RDONLY}},
		},
		{
			name: "recursive atime replaces the field",
			opts: []string{"rnoatime", "rstrictatime"},
			want: MountOptions{Recursive: unix.MountAttr{
				Attr_set: unix.MOUNT_ATTR_STRICTATIME,
				Attr_clr: unix.MOUNT_ATTR__ATIME,
			}},
		},
		{
			name: "tmpcopyup and idmap",
			opts: []string{"tmpcopyup", "idmap"},
			want: MountOptions{TmpCopyUp: true, IDMap: true},
		},
		{
			name: "rbind ridmap ro: no flag and no filesystem data from ridmap",
			opts: []string{"rbind", "ridmap", "ro"},
			want: MountOptions{Flags: unix.MS_BIND | unix.MS_REC | unix.MS_RDONLY, IDMap: true},
		},
		{
			name: "sync dirsync mand remount",
			opts: []string{"sync", "dirsync", "mand", "remount", "defaults"},
			want: MountOptions{Flags: unix.MS_SYNCHRONOUS | unix.MS_DIRSYNC | unix.MS_MANDLOCK | unix.MS_REMOUNT},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseOptions(tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("ParseOptions(%q) =\n %+v, want\n %+v", tt.opts, got, tt.want)
			}
		})
	}
}

func TestMsToAttr(t *testing.T) {
	tests := []struct {
		name      string
		flags     uintptr
		attr      uint64
		atime     uint64
		wantAtime bool
	}{
		{"none", 0, 0, 0, false},
		{"ro nosuid", unix.MS_RDONLY | unix.MS_NOSUID, unix.MOUNT_ATTR_RDONLY | unix.MOUNT_ATTR_NOSUID, 0, false},
		{"nodev noexec", unix.MS_NODEV | unix.MS_NOEXEC, unix.MOUNT_ATTR_NODEV | unix.MOUNT_ATTR_NOEXEC, 0, false},
		{"noatime", unix.MS_NOATIME, 0, unix.MOUNT_ATTR_NOATIME, true},
		{"relatime", unix.MS_RELATIME, 0, unix.MOUNT_ATTR_RELATIME, true},
		{"strictatime wins", unix.MS_STRICTATIME | unix.MS_RELATIME, 0, unix.MOUNT_ATTR_STRICTATIME, true},
		{"bind is not an attribute", unix.MS_BIND | unix.MS_REC, 0, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			attr, atime, has := msToAttr(tt.flags)
			if attr != tt.attr || atime != tt.atime || has != tt.wantAtime {
				t.Errorf("msToAttr(%#x) = %#x, %#x, %v; want %#x, %#x, %v",
					tt.flags, attr, atime, has, tt.attr, tt.atime, tt.wantAtime)
			}
		})
	}
}

func TestSplitData(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"", nil},
		{"mode=755", []string{"mode=755"}},
		{"mode=755,,size=1k,", []string{"mode=755", "size=1k"}},
		{`context="system_u:object_r:x:s0:c1,c2",mode=1777`, []string{`context="system_u:object_r:x:s0:c1,c2"`, "mode=1777"}},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := splitData(tt.in); !slices.Equal(got, tt.want) {
				t.Errorf("splitData(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestBindAttr(t *testing.T) {
	tests := []struct {
		name string
		opts []string
		want unix.MountAttr
	}{
		{"plain bind", []string{"bind"}, unix.MountAttr{}},
		{"ro bind", []string{"bind", "ro"}, unix.MountAttr{Attr_set: unix.MOUNT_ATTR_RDONLY}},
		{"rw clears ro", []string{"bind", "rw", "nosuid"}, unix.MountAttr{
			Attr_set: unix.MOUNT_ATTR_NOSUID, Attr_clr: unix.MOUNT_ATTR_RDONLY}},
		{"noatime sets the atime field", []string{"bind", "noatime"}, unix.MountAttr{
			Attr_set: unix.MOUNT_ATTR_NOATIME, Attr_clr: unix.MOUNT_ATTR__ATIME}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opts, _ := ParseOptions(tt.opts)
			got, err := bindAttr("/", opts, false)
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("bindAttr(%q) = %+v, want %+v", tt.opts, got, tt.want)
			}
		})
	}
}

func TestStatfsAttrLocksSourceFlags(t *testing.T) {
	attr, atime := statfsAttr(unix.ST_RDONLY | unix.ST_NOSUID | unix.ST_NOATIME)
	if attr != unix.MOUNT_ATTR_RDONLY|unix.MOUNT_ATTR_NOSUID || atime != unix.MOUNT_ATTR_NOATIME {
		t.Errorf("statfsAttr = %#x, %#x", attr, atime)
	}
	if _, atime := statfsAttr(0); atime != unix.MOUNT_ATTR_STRICTATIME {
		t.Errorf("no atime flag should mean strictatime, got %#x", atime)
	}
}

func TestSameControllers(t *testing.T) {
	tests := []struct {
		super string
		want  []string
		ok    bool
	}{
		{"rw,cpu", []string{"cpu"}, true},
		{"rw,cpuacct,cpu", []string{"cpu", "cpuacct"}, true},
		{"rw,name=systemd", []string{"name=systemd"}, true},
		{"rw,xattr,release_agent=/x,name=systemd", []string{"name=systemd"}, true},
		{"rw,cpu", []string{"cpuacct"}, false},
		{"rw,cpu,cpuacct", []string{"cpu"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.super, func(t *testing.T) {
			if got := sameControllers(tt.super, tt.want); got != tt.ok {
				t.Errorf("sameControllers(%q, %q) = %v", tt.super, tt.want, got)
			}
		})
	}
}
