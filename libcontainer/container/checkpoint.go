package container

import "errors"

// ErrCheckpointUnsupported is what checkpoint and restore answer for now. They need criu, driven
// through github.com/checkpoint-restore/go-criu, and the criu this project is tested with (3.17)
// cannot dump a process on the 6.18 kernel of its machines (a vDSO error), so nothing could test
// an implementation yet. The commands exist, with their flags, so that a client asking for them
// gets this one clear line instead of an unknown command.
var ErrCheckpointUnsupported = errors.New("checkpoint/restore is not supported yet")

// Checkpoint would save the state of container id to images with criu (criuPath: the global
// --criu flag).
func Checkpoint(root, id, criuPath string) error { return ErrCheckpointUnsupported }

// Restore would start container id again from criu images.
func Restore(root, id, criuPath string) error { return ErrCheckpointUnsupported }
