package wire

import "runtime/debug"

func init() {
	if Version != "dev" {
		return // set with -ldflags -X
	}
	if info, ok := debug.ReadBuildInfo(); ok {
		Version = versionOf(info)
	}
}

// versionOf is the code version of a binary built as info says: the VCS
// revision go build stamps (vcs.revision, "+dirty" when the work tree had
// uncommitted changes), else the module version (go install module@version),
// else "dev" (go run and test binaries, which are not stamped).
func versionOf(info *debug.BuildInfo) string {
	var rev string
	var dirty bool
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			dirty = s.Value == "true"
		}
	}
	switch {
	case rev != "" && dirty:
		return rev + "+dirty"
	case rev != "":
		return rev
	case info.Main.Version != "" && info.Main.Version != "(devel)":
		return info.Main.Version
	}
	return "dev"
}
