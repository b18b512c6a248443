/**
 * Every command travels on the channel's stdin, never in a command line: the remote argv is a fixed
 * bootstrap that reads exactly the script's bytes (`head -c`, which reads no further) and evals it,
 * so a script holding a secret (a file's content inline, a password) is never in /proc/PID/cmdline.
 * The caller's own stdin bytes follow the script; the script's commands read them as before.
 */

/** The bootstrap command line and the bytes to write on stdin for `command` with `stdin`. */
export function viaStdin(command: string, stdin?: Buffer): { command: string; stdin: Buffer } {
  // One compound command: a script cut short (a dropped connection) is a syntax error and runs nothing.
  const script = Buffer.from(`{\n${command}\n}\n`);
  return {
    command: `provision_script=$(head -c ${script.length}) && eval "$provision_script"`,
    stdin: stdin?.length ? Buffer.concat([script, stdin]) : script,
  };
}
