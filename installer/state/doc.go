// Package state owns what onboard keeps on disk about one install, and is
// the only code that knows where those files are and how they are written:
//
//   - the layout of the state folder PREFIX/.onboard ([Dir]): the installed
//     manifest ([ReadManifest], [WriteManifest]), the launcher record
//     launchers.json, install.log, the maintenance app and the bundle it
//     carries, the prefix lock ([LockFile]), the journal of a transaction
//     inside the prefix, the records set aside by repair, last-check.json;
//   - the journal of a whole install or uninstall beside the prefix
//     ([OpJournalPath]) and the folder an old install is moved aside to
//     ([AsidePath]);
//   - the records of the Jupyter servers a user started ([Server]), kept
//     in that user's own state folder (platform.UserStateDirs);
//   - the one reader of conda-meta ([ReadMeta]), with one policy that
//     returns the records it cannot use ([BadRecord]) instead of skipping
//     them, so that verify, repair, uninstall and the engine see the same
//     prefix.
//
// It imports only installer/bundle, installer/prefix, internal/atomicfile
// and the standard library. It never imports installer or platform:
// platform imports it for the path layout (internal/layering tests this).
package state
