// Package console gives a container a terminal: it opens a pty pair inside the container
// (NewPty), makes the slave the controlling terminal of the process about to exec
// (SetControllingTerminal), passes the master to the host over a unix socket (SendFd, RecvFd),
// either to the --console-socket listener or to berth itself, which then relays it to its own
// terminal (StartRelay).
package console
