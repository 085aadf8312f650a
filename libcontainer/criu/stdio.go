package criu

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/checkpoint-restore/go-criu/v7/rpc"
	"golang.org/x/sys/unix"
)

// stdioFile is berth's record of init's fds 0-2, written beside the images.
const stdioFile = "stdio.json"

// StdioFd is one of init's standard fds as dump found it.
type StdioFd struct {
	Fd   int    `json:"fd"`
	Path string `json:"path"` // the /proc/PID/fd link: "pipe:[123]", "/dev/null", ...
	// Key is criu's name for the fd's file when it comes from outside the container (a pipe, or
	// a file on a mount the container does not see): restore hands criu the caller's fd under
	// this name. Empty for what criu restores by itself (a file inside the container, a tty).
	Key string `json:"key,omitempty"`
	// External: the file had to be marked external at dump (file[MNT:INO]).
	External bool `json:"external,omitempty"`
}

// inspectStdio looks at init's fds 0-2: what criu must be told at dump, and the record restore
// needs.
func inspectStdio(pid int) ([]StdioFd, error) {
	mounts, err := mountIDs(pid)
	if err != nil {
		return nil, err
	}
	var out []StdioFd
	for fd := 0; fd < 3; fd++ {
		link, err := os.Readlink(fmt.Sprintf("/proc/%d/fd/%d", pid, fd))
		if err != nil {
			continue // closed
		}
		s := StdioFd{Fd: fd, Path: link}
		switch {
		case strings.HasPrefix(link, "pipe:"):
			s.Key = link
		case strings.HasPrefix(link, "/"):
			mnt, ino, err := fileID(pid, fd)
			if err != nil {
				return nil, err
			}
			if !mounts[mnt] {
				s.Key, s.External = fmt.Sprintf("file[%x:%x]", mnt, ino), true
			}
		}
		out = append(out, s)
	}
	return out, nil
}

// fileID returns the mount ID and inode of pid's fd.
func fileID(pid, fd int) (mnt int, ino uint64, err error) {
	var st unix.Stat_t
	if err := unix.Stat(fmt.Sprintf("/proc/%d/fd/%d", pid, fd), &st); err != nil {
		return 0, 0, fmt.Errorf("stat fd %d of pid %d: %w", fd, pid, err)
	}
	info, err := os.ReadFile(fmt.Sprintf("/proc/%d/fdinfo/%d", pid, fd))
	if err != nil {
		return 0, 0, err
	}
	for _, line := range strings.Split(string(info), "\n") {
		if v, ok := strings.CutPrefix(line, "mnt_id:"); ok {
			mnt, err = strconv.Atoi(strings.TrimSpace(v))
			return mnt, st.Ino, err
		}
	}
	return 0, 0, fmt.Errorf("fdinfo %d of pid %d: no mnt_id", fd, pid)
}

// mountIDs returns the IDs of the mounts pid sees (field 1 of its mountinfo).
func mountIDs(pid int) (map[int]bool, error) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/mountinfo", pid))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	ids := map[int]bool{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if id, err := strconv.Atoi(strings.Fields(sc.Text() + " x")[0]); err == nil {
			ids[id] = true
		}
	}
	return ids, sc.Err()
}

func saveStdio(imageDir string, fds []StdioFd) error {
	data, err := json.Marshal(fds)
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(imageDir, stdioFile), data, 0o600)
}

func loadStdio(imageDir string) ([]StdioFd, error) {
	data, err := os.ReadFile(filepath.Join(imageDir, stdioFile))
	if err != nil {
		return nil, fmt.Errorf("--image-path: %w (not images of berth checkpoint?)", err)
	}
	var fds []StdioFd
	if err := json.Unmarshal(data, &fds); err != nil {
		return nil, fmt.Errorf("%s: %w", stdioFile, err)
	}
	return fds, nil
}

// externalFiles are the --external entries for dump.
func externalFiles(fds []StdioFd) []string {
	var ext []string
	for _, f := range fds {
		if f.External {
			ext = append(ext, f.Key)
		}
	}
	return ext
}

// inheritedStdio hands criu our own fds 0-2 in place of the restored process's outside ones:
// each is duplicated (criu is given the copies, inherited across exec) and the copies are
// returned for closing once criu is done.
func inheritedStdio(fds []StdioFd) ([]*rpc.InheritFd, []int, error) {
	var inherit []*rpc.InheritFd
	var dups []int
	seen := map[string]bool{}
	for _, f := range fds {
		// One fd per key: stdout and stderr are often the same file, one key for criu.
		if f.Key == "" || seen[f.Key] {
			continue
		}
		seen[f.Key] = true
		dup, err := unix.Dup(f.Fd)
		if err == nil {
			err = keepOpenAcrossExec(dup)
		}
		if err != nil {
			closeAll(dups)
			return nil, nil, fmt.Errorf("pass fd %d to criu: %w", f.Fd, err)
		}
		dups = append(dups, dup)
		key, fd := f.Key, int32(dup)
		inherit = append(inherit, &rpc.InheritFd{Key: &key, Fd: &fd})
	}
	return inherit, dups, nil
}

func closeAll(fds []int) {
	for _, fd := range fds {
		unix.Close(fd)
	}
}
