package spec

import (
	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// Document is specs.Spec without the other platforms' sections (solaris, windows, vm, zos,
// freebsd): the form in which berth decodes and encodes a config (config.json, the state file,
// init's configuration). encoding/json builds, once per process, the tables of every type a
// value's type reaches, encoders included even when it only decodes: ~1.4 ms for specs.Spec on
// the bench machine, paid by every berth command that reads a state and by init. The other
// platforms' types are ~40% of that, and berth never reads them. The JSON names are the spec's.
type Document struct {
	Version     string            `json:"ociVersion"`
	Process     *specs.Process    `json:"process,omitempty"`
	Root        *specs.Root       `json:"root,omitempty"`
	Hostname    string            `json:"hostname,omitempty"`
	Domainname  string            `json:"domainname,omitempty"`
	Mounts      []specs.Mount     `json:"mounts,omitempty"`
	Hooks       *specs.Hooks      `json:"hooks,omitempty"`
	Annotations map[string]string `json:"annotations,omitempty"`
	Linux       *specs.Linux      `json:"linux,omitempty"`
}

// DocumentOf returns the Linux part of s; nil for nil.
func DocumentOf(s *specs.Spec) *Document {
	if s == nil {
		return nil
	}
	return &Document{
		Version: s.Version, Process: s.Process, Root: s.Root, Hostname: s.Hostname,
		Domainname: s.Domainname, Mounts: s.Mounts, Hooks: s.Hooks,
		Annotations: s.Annotations, Linux: s.Linux,
	}
}

// Spec returns the document as a specs.Spec; nil for nil.
func (d *Document) Spec() *specs.Spec {
	if d == nil {
		return nil
	}
	return &specs.Spec{
		Version: d.Version, Process: d.Process, Root: d.Root, Hostname: d.Hostname,
		Domainname: d.Domainname, Mounts: d.Mounts, Hooks: d.Hooks,
		Annotations: d.Annotations, Linux: d.Linux,
	}
}
