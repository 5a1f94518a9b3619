"""A tiny resident process that starts the measured commands (run by bench/run.py as `python -I -S`).

Why: on Linux a child's `ru_maxrss` starts at its parent's memory high-water mark (execve
keeps the larger of the two), so a child spawned by the harness itself would report at least
the harness's peak RSS. This process stays small (no imports beyond builtins), so the peak RSS
it reads with wait4 is the command's own, above a floor of this process's peak (reported).

Protocol on stdin/stdout: 4-byte little-endian length + marshal data.
Request (argv, env, stdout_path, stderr_path) → replies (pid,) then
(seconds, maxrss_kib, exit code, error, user+system CPU seconds).
"""

import marshal
import os
import sys
import time


def main() -> None:
    rd, wr = sys.stdin.buffer, sys.stdout.buffer
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC

    def send(value: object) -> None:
        data = marshal.dumps(value)
        wr.write(len(data).to_bytes(4, "little") + data)
        wr.flush()

    while True:
        head = rd.read(4)
        if len(head) < 4:
            return
        argv, env, out, err = marshal.loads(rd.read(int.from_bytes(head, "little")))
        actions = [
            (os.POSIX_SPAWN_OPEN, 0, os.devnull, os.O_RDONLY, 0),
            (os.POSIX_SPAWN_OPEN, 1, out, flags, 0o644),
            (os.POSIX_SPAWN_OPEN, 2, err, flags, 0o644),
        ]
        started = time.perf_counter()
        try:
            pid = os.posix_spawn(argv[0], argv, env, file_actions=actions)
        except OSError as exc:
            send((-1,))
            send((0.0, 0, 127, str(exc), 0.0))
            continue
        send((pid,))
        _, status, usage = os.wait4(pid, 0)
        elapsed = time.perf_counter() - started
        cpu = usage.ru_utime + usage.ru_stime
        send((elapsed, usage.ru_maxrss, os.waitstatus_to_exitcode(status), "", cpu))


if __name__ == "__main__":
    main()
