// Command recvtty is the --console-socket listener of berth's integration tests: it receives
// a container's pty master and drains, records or relays it until the container's side closes.
//
//	recvtty [--mode single|null|transcript] [--out FILE] [--input STRING] SOCKET_PATH
//
// Modes:
//   - single: relay the master to recvtty's own stdin and stdout (like `berth run -t`).
//   - null: read and discard everything.
//   - transcript: write everything read from the master to --out (stdout without it).
//
// --input is written to the master once it arrives; it understands \n \r \t \\ and \xHH
// (\x04 is ^D), so a bats test can pass 'tty; exit\n' in single quotes.
//
// The socket appears at SOCKET_PATH only once it is listening (it is bound under a temporary
// name and renamed), so a test that started recvtty in the background can wait for the path
// to exist:
//
//	recvtty --mode transcript --out "$out" --input 'tty; exit\n' "$sock" &
//	while [ ! -S "$sock" ]; do sleep 0.01; done
//	berth run --console-socket "$sock" ...
//	wait $!   # recvtty exits by itself when the container's side of the pty closes
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"strconv"
	"syscall"

	"github.com/berth-runtime/berth/libcontainer/console"
	"github.com/berth-runtime/berth/libcontainer/fdpass"
)

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "recvtty:", err)
		os.Exit(1)
	}
}

// options are recvtty's parsed command line.
type options struct {
	mode, out, socket string
	input             []byte
}

func parseArgs(args []string) (*options, error) {
	fs := flag.NewFlagSet("recvtty", flag.ContinueOnError)
	mode := fs.String("mode", "single", "single, null or transcript")
	out := fs.String("out", "", "transcript file (transcript mode)")
	input := fs.String("input", "", `string written to the master, with \n \r \t \\ \xHH escapes`)
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() != 1 {
		return nil, errors.New("usage: recvtty [--mode single|null|transcript] [--out FILE] [--input STRING] SOCKET_PATH")
	}
	switch *mode {
	case "single", "null", "transcript":
	default:
		return nil, fmt.Errorf("--mode %q: want single, null or transcript", *mode)
	}
	in, err := unescape(*input)
	if err != nil {
		return nil, fmt.Errorf("--input: %w", err)
	}
	return &options{mode: *mode, out: *out, socket: fs.Arg(0), input: in}, nil
}

func run(args []string, stdout *os.File) error {
	opts, err := parseArgs(args)
	if err != nil {
		return err
	}
	master, err := receiveMaster(opts.socket)
	if err != nil {
		return err
	}
	defer master.Close()
	if len(opts.input) > 0 {
		if _, err := master.Write(opts.input); err != nil {
			return fmt.Errorf("write input: %w", err)
		}
	}
	switch opts.mode {
	case "null":
		return drain(io.Discard, master)
	case "transcript":
		return transcript(opts.out, stdout, master)
	default:
		return relay(master)
	}
}

// receiveMaster listens on path, accepts one connection and receives the pty master from it.
func receiveMaster(path string) (*os.File, error) {
	ln, err := listenAtomically(path)
	if err != nil {
		return nil, err
	}
	defer os.Remove(path)
	defer ln.Close()
	conn, err := ln.AcceptUnix()
	if err != nil {
		return nil, fmt.Errorf("accept: %w", err)
	}
	defer conn.Close()
	sock, err := conn.File()
	if err != nil {
		return nil, err
	}
	defer sock.Close()
	return fdpass.Recv(sock)
}

// listenAtomically listens on a temporary name and renames it to path, so that path exists
// only once connecting to it works.
func listenAtomically(path string) (*net.UnixListener, error) {
	tmp := fmt.Sprintf("%s.%d.tmp", path, os.Getpid())
	ln, err := net.ListenUnix("unix", &net.UnixAddr{Name: tmp, Net: "unix"})
	if err != nil {
		return nil, err
	}
	ln.SetUnlinkOnClose(false)
	if err := os.Rename(tmp, path); err != nil {
		ln.Close()
		os.Remove(tmp)
		return nil, err
	}
	return ln, nil
}

// drain copies the master to w until the container's side closes (EIO on a pty master).
func drain(w io.Writer, master *os.File) error {
	_, err := io.Copy(w, master)
	if err == nil || errors.Is(err, syscall.EIO) {
		return nil
	}
	return err
}

func transcript(path string, stdout, master *os.File) error {
	if path == "" {
		return drain(stdout, master)
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := drain(f, master); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// relay connects the master to recvtty's own stdin and stdout.
func relay(master *os.File) error {
	r, err := console.StartRelay(master)
	if err != nil {
		return err
	}
	r.Wait()
	return r.Close()
}

// unescape decodes \n \r \t \\ and \xHH in s.
func unescape(s string) ([]byte, error) {
	var out []byte
	for i := 0; i < len(s); i++ {
		if s[i] != '\\' {
			out = append(out, s[i])
			continue
		}
		if i+1 >= len(s) {
			return nil, errors.New(`trailing \`)
		}
		i++
		switch s[i] {
		case 'n':
			out = append(out, '\n')
		case 'r':
			out = append(out, '\r')
		case 't':
			out = append(out, '\t')
		case '\\':
			out = append(out, '\\')
		case 'x':
			if i+3 > len(s) {
				return nil, fmt.Errorf(`short \x escape %q`, s[i-1:])
			}
			b, err := strconv.ParseUint(s[i+1:i+3], 16, 8)
			if err != nil {
				return nil, fmt.Errorf(`bad \x escape %q`, s[i-1:i+3])
			}
			out = append(out, byte(b))
			i += 2
		default:
			return nil, fmt.Errorf(`unknown escape \%c`, s[i])
		}
	}
	return out, nil
}
