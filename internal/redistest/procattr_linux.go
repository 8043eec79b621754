package redistest

import "syscall"

// dieWithParent has a child killed when the process that started it dies.
func dieWithParent() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
