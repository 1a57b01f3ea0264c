/*
 * ini.c -- the INI reader shared by every presswatch config file, the error list, and the
 * duration/size/boolean value parsers; see config.h.
 *
 * The reader only checks syntax (sections, `key = value`, comments, quoting, UTF-8); which
 * keys exist and what they mean is config.c's business.
 */

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "config.h"
#include "strmap.h"
#include "xmalloc.h"

/* A config file larger than this is certainly a mistake (a database or log named by accident). */
#define INI_MAX_FILE (16u * 1024 * 1024)

void pw_errlist_add(struct pw_errlist *e, const char *file, int line, const char *fmt, ...)
{
	struct pw_buf b = PW_BUF_INIT;
	va_list ap;

	if (file && line > 0)
		pw_buf_printf(&b, "%s:%d: ", file, line);
	else if (file)
		pw_buf_printf(&b, "%s: ", file);
	va_start(ap, fmt);
	pw_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	e->msgs = xreallocarray(e->msgs, e->n + 1, sizeof *e->msgs);
	e->msgs[e->n++] = pw_buf_detach(&b);
}

void pw_errlist_free(struct pw_errlist *e)
{
	for (size_t i = 0; i < e->n; i++)
		free(e->msgs[i]);
	free(e->msgs);
	e->msgs = NULL;
	e->n = 0;
}

/* --- reading ------------------------------------------------------------------------- */

/* Whole file into a NUL-terminated buffer (caller frees); NULL with errno-based message. */
static char *read_file(const char *path, size_t *len, struct pw_errlist *errs)
{
	/* O_NONBLOCK: a FIFO or a terminal named by mistake must not hang the daemon's start. */
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		pw_errlist_add(errs, path, 0, "cannot open: %s", strerror(errno));
		return NULL;
	}
	struct stat st;
	const char *why = NULL;
	if (fstat(fd, &st) < 0)
		why = strerror(errno);
	else if (S_ISDIR(st.st_mode))
		why = "is a directory";
	else if (!S_ISREG(st.st_mode))
		why = "not a regular file";
	if (why) {
		pw_errlist_add(errs, path, 0, "cannot read: %s", why);
		close(fd);
		return NULL;
	}
	FILE *f = fdopen(fd, "rb");
	if (!f) {
		pw_errlist_add(errs, path, 0, "cannot read: %s", strerror(errno));
		close(fd);
		return NULL;
	}
	struct pw_buf b = PW_BUF_INIT;
	for (;;) {
		char *p = pw_buf_reserve(&b, 8192);
		size_t n = fread(p, 1, 8192, f);
		pw_buf_commit(&b, n);
		if (b.len > INI_MAX_FILE) {
			pw_errlist_add(errs, path, 0, "file is larger than %u bytes; not a config file?",
				       INI_MAX_FILE);
			break;
		}
		if (n < 8192) {
			if (ferror(f)) {
				pw_errlist_add(errs, path, 0, "read error: %s", strerror(errno));
				break;
			}
			fclose(f);
			*len = b.len;
			return pw_buf_detach(&b);
		}
	}
	fclose(f);
	pw_buf_free(&b);
	return NULL;
}

/* Length of the valid UTF-8 prefix of s[0..n); n when all valid. */
static size_t utf8_valid_prefix(const unsigned char *s, size_t n)
{
	size_t i = 0;
	while (i < n) {
		unsigned c = s[i];
		size_t len;
		unsigned min;
		if (c < 0x80) { i++; continue; }
		else if ((c & 0xE0) == 0xC0) { len = 2; min = 0x80; c &= 0x1F; }
		else if ((c & 0xF0) == 0xE0) { len = 3; min = 0x800; c &= 0x0F; }
		else if ((c & 0xF8) == 0xF0) { len = 4; min = 0x10000; c &= 0x07; }
		else return i;
		if (i + len > n)
			return i;
		for (size_t k = 1; k < len; k++) {
			if ((s[i + k] & 0xC0) != 0x80)
				return i;
			c = (c << 6) | (s[i + k] & 0x3F);
		}
		if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
			return i;
		i += len;
	}
	return n;
}

static int is_name_char(int c)
{
	return isalnum(c) || c == '-' || c == '_' || c == '.';
}

static char *trim(char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	size_t n = strlen(s);
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		s[--n] = '\0';
	return s;
}

/* Cuts a comment: `#` at the start or preceded by whitespace (so URL fragments survive). */
static void cut_comment(char *s)
{
	for (char *p = s; *p; p++)
		if (*p == '#' && (p == s || p[-1] == ' ' || p[-1] == '\t')) {
			*p = '\0';
			return;
		}
}

/*
 * Parses the value part of a `key = value` line in place.  A value in double quotes may hold
 * `#` and leading/trailing blanks, with \" and \\ as escapes; otherwise the value runs to a
 * comment.  Returns the value or NULL with *why set.
 */
static char *parse_value(char *v, const char **why)
{
	v = trim(v);
	if (*v != '"') {
		cut_comment(v);
		return trim(v);
	}
	char *out = v, *p = v + 1;
	for (;;) {
		if (*p == '\0') {
			*why = "unterminated quoted value";
			return NULL;
		}
		if (*p == '"')
			break;
		if (*p == '\\' && (p[1] == '"' || p[1] == '\\'))
			p++;
		*out++ = *p++;
	}
	char *rest = trim(p + 1);
	if (*rest && *rest != '#') {
		*why = "text after the closing quote";
		return NULL;
	}
	*out = '\0';
	return v;
}

static struct pw_ini_section *add_section(struct pw_ini *ini, const char *name, int line)
{
	ini->sections = xreallocarray(ini->sections, ini->nsections + 1, sizeof *ini->sections);
	struct pw_ini_section *sec = &ini->sections[ini->nsections++];
	memset(sec, 0, sizeof *sec);
	sec->name = xstrdup(name);
	sec->line = line;
	return sec;
}

/*
 * One line.  *skip is set while inside a section whose header was bad or a duplicate: its
 * keys are dropped silently, so one mistake gives one message rather than a cascade.
 */
static void parse_line(struct pw_ini *ini, struct pw_strmap *names, char *line, int lineno, int *skip,
		       struct pw_errlist *errs)
{
	const char *path = ini->path;
	char *s = trim(line);

	if (*s == '\0' || *s == '#')
		return;
	if (*s == '[') {
		*skip = 1;
		char *end = strchr(s, ']');
		if (!end) {
			pw_errlist_add(errs, path, lineno, "section header without ']'");
			return;
		}
		*end = '\0';
		char *rest = end + 1;
		cut_comment(rest);
		if (*trim(rest)) {
			pw_errlist_add(errs, path, lineno, "text after section header [%s]", s + 1);
			return;
		}
		char *name = trim(s + 1);
		if (*name == '\0') {
			pw_errlist_add(errs, path, lineno, "empty section name");
			return;
		}
		for (char *p = name; *p; p++)
			if (!is_name_char((unsigned char)*p)) {
				pw_errlist_add(errs, path, lineno,
					       "bad section name [%s]: use letters, digits, '-', '_', '.'", name);
				return;
			}
		void *first = pw_strmap_get(names, name);
		if (first) {
			pw_errlist_add(errs, path, lineno, "duplicate section [%s] (first at line %d)",
				       name, ini->sections[pw_strmap_index(first)].line);
			return;
		}
		const struct pw_ini_section *sec = add_section(ini, name, lineno);
		pw_strmap_put(names, sec->name, pw_strmap_pos(ini->nsections - 1));
		*skip = 0;
		return;
	}
	if (*skip)
		return;
	char *eq = strchr(s, '=');
	if (!eq) {
		pw_errlist_add(errs, path, lineno, "expected 'key = value' or '[section]'");
		return;
	}
	*eq = '\0';
	char *key = trim(s);
	if (*key == '\0') {
		pw_errlist_add(errs, path, lineno, "missing key before '='");
		return;
	}
	for (char *p = key; *p; p++)
		if (!is_name_char((unsigned char)*p)) {
			pw_errlist_add(errs, path, lineno, "bad key '%s': use letters, digits, '-', '_', '.'", key);
			return;
		}
	const char *why = NULL;
	char *value = parse_value(eq + 1, &why);
	if (!value) {
		pw_errlist_add(errs, path, lineno, "%s for key '%s'", why, key);
		return;
	}
	if (ini->nsections == 0) {
		pw_errlist_add(errs, path, lineno, "key '%s' outside of any [section]", key);
		return;
	}
	struct pw_ini_section *sec = &ini->sections[ini->nsections - 1];
	sec->entries = xreallocarray(sec->entries, sec->nentries + 1, sizeof *sec->entries);
	struct pw_ini_entry *e = &sec->entries[sec->nentries++];
	e->key = xstrdup(key);
	e->value = xstrdup(value);
	e->line = lineno;
}

struct pw_ini *pw_ini_load(const char *path, struct pw_errlist *errs)
{
	size_t len;
	char *text = read_file(path, &len, errs);
	if (!text)
		return NULL;

	struct pw_ini *ini = xcalloc(1, sizeof *ini);
	ini->path = xstrdup(path);
	char *p = text, *end = text + len;
	if (len >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0)
		p += 3;  /* UTF-8 byte order mark, as some editors write it */
	int skip = 0;
	struct pw_strmap names = { 0 };  /* section name -> position in ini->sections */
	for (int lineno = 1; p < end; lineno++) {
		char *nl = memchr(p, '\n', (size_t)(end - p));
		char *eol = nl ? nl : end;
		size_t n = (size_t)(eol - p);
		if (n > 0 && p[n - 1] == '\r')
			n--;
		if (memchr(p, '\0', n))
			pw_errlist_add(errs, path, lineno, "NUL byte in line; not a text file?");
		else if (utf8_valid_prefix((unsigned char *)p, n) != n)
			pw_errlist_add(errs, path, lineno, "invalid UTF-8");
		else {
			p[n] = '\0';
			parse_line(ini, &names, p, lineno, &skip, errs);
		}
		p = eol + 1;
	}
	pw_strmap_free(&names);
	free(text);
	return ini;
}

void pw_ini_free(struct pw_ini *ini)
{
	if (!ini)
		return;
	for (size_t i = 0; i < ini->nsections; i++) {
		struct pw_ini_section *sec = &ini->sections[i];
		for (size_t k = 0; k < sec->nentries; k++) {
			free(sec->entries[k].key);
			free(sec->entries[k].value);
		}
		free(sec->entries);
		free(sec->name);
	}
	free(ini->sections);
	free(ini->path);
	free(ini);
}

/* --- value parsers ------------------------------------------------------------------- */

/* Unsigned decimal at *s; advances *s.  -1 when no digits or on overflow. */
static int parse_uint(const char **s, uint64_t *out)
{
	const char *p = *s;
	uint64_t v = 0;
	if (!isdigit((unsigned char)*p))
		return -1;
	for (; isdigit((unsigned char)*p); p++) {
		unsigned d = (unsigned)(*p - '0');
		if (v > (UINT64_MAX - d) / 10)
			return -1;
		v = v * 10 + d;
	}
	*s = p;
	*out = v;
	return 0;
}

/*
 * One or more number+unit parts ("1h30m") in units of `scale` per second (1: seconds,
 * 1000: milliseconds); a bare number is seconds.  "ms" is a unit only when scale is 1000, so
 * a key counted in seconds refuses a duration it could not hold.
 */
static int parse_duration_in(const char *s, uint64_t scale, int64_t *out)
{
	uint64_t total = 0;
	const char *p = s;

	if (!s || !*s)
		return -1;
	if (strspn(s, "0123456789") == strlen(s)) {
		uint64_t n;
		if (parse_uint(&p, &n) < 0 || n > (uint64_t)INT64_MAX / scale)
			return -1;
		*out = (int64_t)(n * scale);
		return 0;
	}
	do {
		uint64_t n, mult;
		if (parse_uint(&p, &n) < 0)
			return -1;
		if (scale == 1000 && p[0] == 'm' && p[1] == 's') {
			mult = 1;
			p += 2;
		} else {
			switch (*p++) {
			case 's': mult = 1; break;
			case 'm': mult = 60; break;
			case 'h': mult = 3600; break;
			case 'd': mult = 86400; break;
			case 'w': mult = 7 * 86400; break;
			default: return -1;
			}
			mult *= scale;
		}
		if (n > (uint64_t)INT64_MAX / mult || total > (uint64_t)INT64_MAX - n * mult)
			return -1;
		total += n * mult;
	} while (*p);
	*out = (int64_t)total;
	return 0;
}

int pw_parse_duration(const char *s, int64_t *seconds)
{
	return parse_duration_in(s, 1, seconds);
}

int pw_parse_duration_ms(const char *s, int64_t *ms)
{
	return parse_duration_in(s, 1000, ms);
}

int pw_parse_size(const char *s, size_t *bytes)
{
	const char *p = s;
	uint64_t n, mult = 1;

	if (!s || parse_uint(&p, &n) < 0)
		return -1;
	switch (*p) {
	case '\0': break;
	case 'k': case 'K': mult = 1024; p++; break;
	case 'm': case 'M': mult = 1024 * 1024; p++; break;
	case 'g': case 'G': mult = 1024 * 1024 * 1024; p++; break;
	default: return -1;
	}
	/* Accept the spellings people write: 8M, 8MB, 8MiB (all binary multiples). */
	if (mult > 1 && (strcmp(p, "B") == 0 || strcmp(p, "iB") == 0 || strcmp(p, "b") == 0))
		p += strlen(p);
	if (*p)
		return -1;
	if (n > SIZE_MAX / mult)
		return -1;
	*bytes = (size_t)(n * mult);
	return 0;
}

int pw_parse_bool(const char *s, int *value)
{
	static const char *const yes[] = { "yes", "true", "on", "1" };
	static const char *const no[] = { "no", "false", "off", "0" };
	if (!s)
		return -1;
	for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++) {
		if (strcasecmp(s, yes[i]) == 0) {
			*value = 1;
			return 0;
		}
		if (strcasecmp(s, no[i]) == 0) {
			*value = 0;
			return 0;
		}
	}
	return -1;
}
