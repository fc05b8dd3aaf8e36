// Where exported units go and how they are started: system units under /etc/systemd/system (run
// as root unless User= is added), user units (`--user`) under ~/.config/systemd/user, run by the
// user's own manager, which starts with the user's first login unless lingering is enabled.

/** The target the project's target is wanted by: the user manager's default, or the system's multi-user one. */
export function installTarget(user: boolean): string {
  return user ? 'default.target' : 'multi-user.target';
}

/** The comment lines at the top of every exported file saying how to install the units. */
export function installComment(project: string, user: boolean): string {
  if (user) {
    return [
      '# User units: copy these files to ~/.config/systemd/user, then run',
      `#   systemctl --user daemon-reload && systemctl --user enable --now ${project}.target`,
      '# (`loginctl enable-linger` starts them at boot, without a login).',
    ].join('\n');
  }
  return [
    '# System units: copy these files to /etc/systemd/system, then run',
    `#   systemctl daemon-reload && systemctl enable --now ${project}.target`,
    '# They run as root: add User= under [Service], or export with --user for user units.',
  ].join('\n');
}
