package platform

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"syscall"
	"unsafe"

	ole "github.com/go-ole/go-ole"
	"github.com/go-ole/go-ole/oleutil"
	"golang.org/x/sys/windows"
	"golang.org/x/sys/windows/registry"
)

func detectHost() Host {
	r := WindowsRaw{GOARCH: runtime.GOARCH,
		ProcessorArchitecture: os.Getenv("PROCESSOR_ARCHITECTURE"), ProcessorArchiteW6432: os.Getenv("PROCESSOR_ARCHITEW6432")}
	var pm, nm uint16
	if err := windows.IsWow64Process2(windows.CurrentProcess(), &pm, &nm); err == nil {
		r.HaveWow64Process2, r.ProcessMachine, r.NativeMachine = true, pm, nm
	} else {
		var w bool
		if windows.IsWow64Process(windows.CurrentProcess(), &w) == nil {
			r.IsWow64 = w
		}
	}
	v := windows.RtlGetVersion()
	r.Major, r.Minor, r.Build = v.MajorVersion, v.MinorVersion, v.BuildNumber
	return DetectWindows(r)
}

// hostKnownFolder asks the Shell for a known folder (it follows folder
// redirection, which environment variables do not).
func hostKnownFolder(name string) string {
	if name == "ProgramFilesShort" {
		return shortPath(hostKnownFolder("ProgramFiles"))
	}
	id := map[string]*windows.KNOWNFOLDERID{
		"Programs": windows.FOLDERID_Programs, "CommonPrograms": windows.FOLDERID_CommonPrograms,
		"LocalAppData": windows.FOLDERID_LocalAppData, "ProgramData": windows.FOLDERID_ProgramData,
		"ProgramFiles": windows.FOLDERID_ProgramFiles,
		"Desktop":      windows.FOLDERID_Desktop, "PublicDesktop": windows.FOLDERID_PublicDesktop,
		"Documents": windows.FOLDERID_Documents,
	}[name]
	if id == nil {
		return ""
	}
	p, err := windows.KnownFolderPath(id, 0)
	if err != nil {
		return ""
	}
	return p
}

func hostFreeBytes(dir string) int64 {
	p, err := windows.UTF16PtrFromString(dir)
	if err != nil {
		return -1
	}
	var free, total, totalFree uint64
	if windows.GetDiskFreeSpaceEx(p, &free, &total, &totalFree) != nil {
		return -1
	}
	return int64(free)
}

func hostLongPathsEnabled() bool {
	k, err := registry.OpenKey(registry.LOCAL_MACHINE, `SYSTEM\CurrentControlSet\Control\FileSystem`,
		registry.QUERY_VALUE|registry.WOW64_64KEY)
	if err != nil {
		return false
	}
	defer k.Close()
	v, _, err := k.GetIntegerValue("LongPathsEnabled")
	return err == nil && v == 1
}

// hostCreateShortcut makes a .lnk through WScript.Shell. COM needs the
// calling goroutine on one OS thread for its whole apartment.
func hostCreateShortcut(s Shortcut) error {
	if err := os.MkdirAll(filepath.Dir(s.Path), 0o755); err != nil {
		return err
	}
	errc := make(chan error, 1)
	go func() {
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
		errc <- createShortcut(s)
	}()
	return <-errc
}

func createShortcut(s Shortcut) error {
	if err := ole.CoInitializeEx(0, ole.COINIT_APARTMENTTHREADED); err != nil {
		var oe *ole.OleError
		if !errors.As(err, &oe) || oe.Code() != 1 { // S_FALSE: already initialised
			return fmt.Errorf("failed to start COM: %w", err)
		}
	}
	defer ole.CoUninitialize()
	unk, err := oleutil.CreateObject("WScript.Shell")
	if err != nil {
		return fmt.Errorf("failed to create WScript.Shell: %w", err)
	}
	defer unk.Release()
	shell, err := unk.QueryInterface(ole.IID_IDispatch)
	if err != nil {
		return err
	}
	defer shell.Release()
	v, err := oleutil.CallMethod(shell, "CreateShortcut", s.Path)
	if err != nil {
		return err
	}
	lnk := v.ToIDispatch()
	defer lnk.Release()
	props := []struct {
		name string
		val  any
	}{{"TargetPath", s.Target}, {"Arguments", s.Arguments}, {"WorkingDirectory", s.WorkingDir},
		{"IconLocation", fmt.Sprintf("%s,%d", s.Icon, s.IconIndex)}, {"Description", s.Description}, {"WindowStyle", 1}}
	for _, p := range props {
		if _, err := oleutil.PutProperty(lnk, p.name, p.val); err != nil {
			return fmt.Errorf("failed to set %s: %w", p.name, err)
		}
	}
	_, err = oleutil.CallMethod(lnk, "Save")
	return err
}

func regRoot(root string) (registry.Key, error) {
	switch root {
	case "HKCU":
		return registry.CURRENT_USER, nil
	case "HKLM":
		return registry.LOCAL_MACHINE, nil
	}
	return 0, fmt.Errorf("unknown registry root %q", root)
}

// winRegistry is the registry, in its 64-bit view (a 386 build is not
// redirected to WOW6432Node).
type winRegistry struct{}

// errNoRegistry is never returned on Windows.
var errNoRegistry = errors.New("no registry")

func hostRegistry() regStore { return winRegistry{} }

func openKey(root, key string, access uint32) (registry.Key, error) {
	r, err := regRoot(root)
	if err != nil {
		return 0, err
	}
	k, err := registry.OpenKey(r, key, access|registry.WOW64_64KEY)
	if errors.Is(err, windows.ERROR_FILE_NOT_FOUND) {
		return 0, errRegMissing
	}
	return k, err
}

// set writes vals, replacing values of the same names.
func (winRegistry) set(root, key string, vals []RegValue) error {
	r, err := regRoot(root)
	if err != nil {
		return err
	}
	k, _, err := registry.CreateKey(r, key, registry.SET_VALUE|registry.QUERY_VALUE|registry.WOW64_64KEY)
	if err != nil {
		return err
	}
	defer k.Close()
	for _, v := range vals {
		switch v.Type {
		case "sz":
			err = k.SetStringValue(v.Name, v.Str)
		case "dword":
			err = k.SetDWordValue(v.Name, v.DWord)
		default:
			err = fmt.Errorf("unknown registry value type %q", v.Type)
		}
		if err != nil {
			return fmt.Errorf("failed to set %q: %w", v.Name, err)
		}
	}
	return nil
}

var procRegDeleteKeyExW = windows.NewLazySystemDLL("advapi32.dll").NewProc("RegDeleteKeyExW")

func (winRegistry) deleteKey(root, key string) error {
	r, err := regRoot(root)
	if err != nil {
		return err
	}
	p, err := windows.UTF16PtrFromString(key)
	if err != nil {
		return err
	}
	rc, _, _ := procRegDeleteKeyExW.Call(uintptr(r), uintptr(unsafe.Pointer(p)), registry.WOW64_64KEY, 0)
	if rc != 0 && syscall.Errno(rc) != windows.ERROR_FILE_NOT_FOUND {
		return syscall.Errno(rc)
	}
	return nil
}

// deleteTree deletes the subkeys depth first, then the key.
func (w winRegistry) deleteTree(root, key string) error {
	k, err := openKey(root, key, registry.ENUMERATE_SUB_KEYS)
	if errors.Is(err, errRegMissing) {
		return nil
	}
	if err != nil {
		return err
	}
	subs, err := k.ReadSubKeyNames(0)
	k.Close()
	if err != nil {
		return err
	}
	for _, s := range subs {
		if err := w.deleteTree(root, key+`\`+s); err != nil {
			return err
		}
	}
	return w.deleteKey(root, key)
}

func (winRegistry) deleteValue(root, key, name string) error {
	k, err := openKey(root, key, registry.SET_VALUE)
	if err != nil {
		return err
	}
	defer k.Close()
	if err := k.DeleteValue(name); err != nil && !errors.Is(err, windows.ERROR_FILE_NOT_FOUND) {
		return err
	}
	return nil
}

func (w winRegistry) deleteIfEmpty(root, key string) (bool, error) {
	k, err := openKey(root, key, registry.QUERY_VALUE)
	if errors.Is(err, errRegMissing) {
		return true, nil
	}
	if err != nil {
		return false, err
	}
	st, err := k.Stat()
	k.Close()
	if err != nil || st.SubKeyCount > 0 || st.ValueCount > 0 {
		return false, err
	}
	return true, w.deleteKey(root, key)
}

// read returns the string values of a key.
func (winRegistry) read(root, key string) (map[string]string, error) {
	k, err := openKey(root, key, registry.QUERY_VALUE)
	if err != nil {
		return nil, err
	}
	defer k.Close()
	names, err := k.ReadValueNames(0)
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	for _, n := range names {
		if s, _, err := k.GetStringValue(n); err == nil {
			out[n] = s
		}
	}
	return out, nil
}

var procSHChangeNotify = windows.NewLazySystemDLL("shell32.dll").NewProc("SHChangeNotify")

// associationsChanged sends SHCNE_ASSOCCHANGED, as menuinst does.
func (winRegistry) associationsChanged() {
	const shcneAssocChanged, shcnfIDList = 0x08000000, 0
	if procSHChangeNotify.Find() == nil {
		procSHChangeNotify.Call(shcneAssocChanged, shcnfIDList, 0, 0)
	}
}

// shortPath is the 8.3 short form of an existing path (C:\PROGRA~1), or ""
// when the volume keeps no short names.
func shortPath(long string) string {
	if long == "" {
		return ""
	}
	p, err := windows.UTF16PtrFromString(long)
	if err != nil {
		return ""
	}
	buf := make([]uint16, windows.MAX_LONG_PATH)
	n, err := windows.GetShortPathName(p, &buf[0], uint32(len(buf)))
	if err != nil || n == 0 || int(n) > len(buf) {
		return ""
	}
	return windows.UTF16ToString(buf[:n])
}
