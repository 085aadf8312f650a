package criu

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	gocriu "github.com/checkpoint-restore/go-criu/v7"
	"github.com/checkpoint-restore/go-criu/v7/rpc"
	"golang.org/x/sys/unix"
	"google.golang.org/protobuf/proto"
)

// Log files criu writes in the work directory.
const (
	dumpLog    = "dump.log"
	restoreLog = "restore.log"
)

// logLevel 4 is criu's most detailed: the log is what a user has to go on when it fails.
const logLevel = 4

// dirs are the image and work directories, open for criu (it receives them as fds).
type dirs struct {
	images, work *os.File
	workPath     string
	madeImages   string // the image directory, when this call created it
}

// openDirs opens the image directory (made when create, as runc does for dump) and the work
// directory (made when missing; the image directory when not given).
func openDirs(o *Options, create bool) (*dirs, error) {
	d := &dirs{}
	if create {
		if _, err := os.Stat(o.ImagePath); errors.Is(err, os.ErrNotExist) {
			if err := os.MkdirAll(o.ImagePath, 0o700); err != nil {
				return nil, fmt.Errorf("--image-path: %w", err)
			}
			d.madeImages = o.ImagePath
		}
	}
	var err error
	if d.images, err = os.Open(o.ImagePath); err != nil {
		d.close(false)
		return nil, fmt.Errorf("--image-path: %w", err)
	}
	d.workPath = o.WorkPath
	if d.workPath == "" {
		d.workPath = o.ImagePath
	} else if err := os.MkdirAll(d.workPath, 0o700); err != nil {
		d.close(false)
		return nil, fmt.Errorf("--work-path: %w", err)
	}
	if d.work, err = os.Open(d.workPath); err != nil {
		d.close(false)
		return nil, fmt.Errorf("--work-path: %w", err)
	}
	return d, nil
}

// close closes the directories; failed says the operation failed, and then an image directory
// this call made is removed unless criu's log is in it.
func (d *dirs) close(failed bool) {
	for _, f := range []*os.File{d.images, d.work} {
		if f != nil {
			f.Close()
		}
	}
	if failed && d.madeImages != "" && !hasLog(d.madeImages) {
		os.RemoveAll(d.madeImages)
	}
}

func hasLog(dir string) bool {
	for _, name := range []string{dumpLog, restoreLog} {
		if _, err := os.Stat(filepath.Join(dir, name)); err == nil {
			return true
		}
	}
	return false
}

// baseOpts are the options of every criu request: directories, log, and the flags shared by dump
// and restore.
func baseOpts(o *Options, d *dirs, logFile string) (*rpc.CriuOpts, error) {
	mode, err := CgroupsMode(o.CgroupsMode)
	if err != nil {
		return nil, err
	}
	emptyNs, err := EmptyNsMask(o.EmptyNs)
	if err != nil {
		return nil, err
	}
	opts := &rpc.CriuOpts{
		ImagesDirFd:       proto.Int32(int32(d.images.Fd())),
		WorkDirFd:         proto.Int32(int32(d.work.Fd())),
		LogLevel:          proto.Int32(logLevel),
		LogFile:           proto.String(logFile),
		TcpEstablished:    proto.Bool(o.TCPEstablished),
		ExtUnixSk:         proto.Bool(o.ExtUnixSk),
		ShellJob:          proto.Bool(o.ShellJob),
		FileLocks:         proto.Bool(o.FileLocks),
		LazyPages:         proto.Bool(o.LazyPages),
		AutoDedup:         proto.Bool(o.AutoDedup),
		ManageCgroups:     proto.Bool(true),
		ManageCgroupsMode: mode,
		OrphanPtsMaster:   proto.Bool(true),
	}
	if emptyNs != 0 {
		opts.EmptyNs = proto.Uint32(emptyNs)
	}
	return opts, nil
}

// checkBinary makes "criu is not installed" one clear sentence instead of an exec error.
func checkBinary(bin string) (string, error) {
	path, err := exec.LookPath(bin)
	if err != nil {
		return "", fmt.Errorf("criu binary %q: %w (install criu, or name it with --criu)", bin, unwrapExec(err))
	}
	return path, nil
}

func unwrapExec(err error) error {
	var e *exec.Error
	if errors.As(err, &e) {
		return e.Err
	}
	return err
}

// failure turns a failed criu request into one line: the request, criu's reason from its log,
// and where the whole log is.
func failure(op string, d *dirs, logFile string, err error) error {
	path := filepath.Join(d.workPath, logFile)
	if reason := logErrors(path, 3); reason != "" {
		return fmt.Errorf("criu %s failed: %s (log: %s)", op, reason, path)
	}
	return fmt.Errorf("criu %s failed: %w (log: %s)", op, err, path)
}

// logErrors returns the last n "Error" lines of a criu log, joined with "; ", or the last line
// when there is none.
func logErrors(path string, n int) string {
	f, err := os.Open(path)
	if err != nil {
		return ""
	}
	defer f.Close()
	var errs []string
	last := ""
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" {
			continue
		}
		// Lines look like "(00.035011) Error (criu/vdso.c:381): vdso: ...", or with the PID of
		// a restored task after the time ("(02.140881)      1: Error (...)"): keep the message.
		if i := strings.Index(line, ") "); strings.HasPrefix(line, "(") && i > 0 {
			line = strings.TrimSpace(line[i+2:])
		}
		if i := strings.Index(line, "Error ("); i >= 0 {
			line = line[i:]
			errs = append(errs, line)
		}
		last = line
	}
	if len(errs) > n {
		errs = errs[len(errs)-n:]
	}
	if len(errs) == 0 {
		return last
	}
	return strings.Join(errs, "; ")
}

// keepOpenAcrossExec clears FD_CLOEXEC on fd, so that criu swrk, started by go-criu, inherits it
// under the same number (that is how --inherit-fd numbers reach criu).
func keepOpenAcrossExec(fd int) error {
	_, err := unix.FcntlInt(uintptr(fd), unix.F_SETFD, 0)
	return os.NewSyscallError("fcntl F_SETFD", err)
}

// newCriu returns go-criu's handle on the binary.
func newCriu(path string) *gocriu.Criu {
	c := gocriu.MakeCriu()
	c.SetCriuPath(path)
	return c
}
