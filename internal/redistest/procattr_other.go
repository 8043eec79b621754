//go:build !linux

package redistest

import "syscall"

// dieWithParent: only Linux kills a child when its parent dies; elsewhere a
// throwaway server outlives a test binary that dies.
func dieWithParent() *syscall.SysProcAttr { return nil }
