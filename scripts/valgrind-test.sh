#!/bin/sh
# LOG_COMPILER for `make check`: runs a compiled test program under valgrind
# (memcheck, leaks counted as errors).  Scripts run as they are.
case "$1" in
*.sh | *.py | *.js) exec "$@" ;;
esac
if head -c 4 "$1" 2>/dev/null | grep -q 'ELF'; then
	exec valgrind -q --error-exitcode=99 --leak-check=full \
		--errors-for-leak-kinds=definite,indirect \
		--suppressions="$(dirname "$0")/valgrind.supp" "$@"
fi
exec "$@"
