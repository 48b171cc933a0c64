// SPDX-License-Identifier: GPL-2.0
/*
 * json_flat - a strict JSON reader for the tests, independent of cgctl's
 * writer: reads one JSON value from stdin (RFC 8259: objects, arrays,
 * strings with escapes, numbers, true, false, null), and prints every
 * scalar as PATH=VALUE, one per line (PATH joins object keys and array
 * indices with "."; strings unquoted, escapes kept as written).
 * Exit 0 if the input is one valid JSON value, 1 if not.
 */
#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_INPUT	(1 << 20)
#define MAX_PATH	512

static char in[MAX_INPUT + 1];
static size_t pos, len;

static void bad(const char *what)
{
	fprintf(stderr, "json_flat: invalid JSON at byte %zu: %s\n", pos, what);
	exit(1);
}

static void skip_ws(void)
{
	while (pos < len && strchr(" \t\r\n", in[pos]))
		pos++;
}

static bool take(char c)
{
	skip_ws();
	if (pos < len && in[pos] == c) {
		pos++;
		return true;
	}
	return false;
}

/* A string's contents (escapes validated, kept as written) into out. */
static void parse_string(char *out, size_t outlen)
{
	size_t n = 0;

	if (!take('"'))
		bad("expected a string");
	while (pos < len && in[pos] != '"') {
		char c = in[pos++];

		if ((unsigned char)c < 0x20)
			bad("control character in a string");
		if (c == '\\') {
			if (pos >= len || !strchr("\"\\/bfnrtu", in[pos]))
				bad("bad escape");
			if (in[pos] == 'u') {
				int i;

				for (i = 1; i <= 4; i++)
					if (pos + i >= len || !isxdigit((unsigned char)in[pos + i]))
						bad("bad \\u escape");
			}
			/* keep the escape as written: its first character here */
			if (n + 1 < outlen)
				out[n++] = c;
			c = in[pos++];
		}
		if (n + 1 < outlen)
			out[n++] = c;
	}
	if (!take('"'))
		bad("unterminated string");
	out[n] = '\0';
}

static void parse_number(char *out, size_t outlen)
{
	size_t start = pos, n;

	if (in[pos] == '-')
		pos++;
	if (pos < len && in[pos] == '0')
		pos++;
	else if (pos < len && isdigit((unsigned char)in[pos]))
		while (pos < len && isdigit((unsigned char)in[pos]))
			pos++;
	else
		bad("expected a digit");
	if (pos < len && in[pos] == '.') {
		pos++;
		if (pos >= len || !isdigit((unsigned char)in[pos]))
			bad("expected a digit after '.'");
		while (pos < len && isdigit((unsigned char)in[pos]))
			pos++;
	}
	if (pos < len && (in[pos] == 'e' || in[pos] == 'E')) {
		pos++;
		if (pos < len && (in[pos] == '+' || in[pos] == '-'))
			pos++;
		if (pos >= len || !isdigit((unsigned char)in[pos]))
			bad("expected an exponent");
		while (pos < len && isdigit((unsigned char)in[pos]))
			pos++;
	}
	n = pos - start < outlen - 1 ? pos - start : outlen - 1;
	memcpy(out, in + start, n);
	out[n] = '\0';
}

static void parse_value(const char *path);

static void join(char *out, const char *path, const char *key)
{
	int n = snprintf(out, MAX_PATH, "%s%s%s", path, *path ? "." : "", key);

	if (n < 0 || n >= MAX_PATH)
		bad("key path too long");
}

static void parse_object(const char *path)
{
	char key[MAX_PATH], sub[MAX_PATH];

	if (take('}'))
		return;
	do {
		skip_ws();
		parse_string(key, sizeof(key));
		if (!take(':'))
			bad("expected ':'");
		join(sub, path, key);
		parse_value(sub);
	} while (take(','));
	if (!take('}'))
		bad("expected ',' or '}'");
}

static void parse_array(const char *path)
{
	char idx[32], sub[MAX_PATH];
	int i = 0;

	if (take(']'))
		return;
	do {
		snprintf(idx, sizeof(idx), "%d", i++);
		join(sub, path, idx);
		parse_value(sub);
	} while (take(','));
	if (!take(']'))
		bad("expected ',' or ']'");
}

static void parse_value(const char *path)
{
	static const char *const words[] = { "true", "false", "null" };
	char scalar[MAX_PATH];
	size_t i;

	skip_ws();
	if (take('{'))
		return parse_object(path);
	if (take('['))
		return parse_array(path);
	if (pos < len && in[pos] == '"') {
		parse_string(scalar, sizeof(scalar));
		printf("%s=%s\n", path, scalar);
		return;
	}
	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
		if (!strncmp(in + pos, words[i], strlen(words[i]))) {
			pos += strlen(words[i]);
			printf("%s=%s\n", path, words[i]);
			return;
		}
	}
	parse_number(scalar, sizeof(scalar));
	printf("%s=%s\n", path, scalar);
}

int main(void)
{
	len = fread(in, 1, MAX_INPUT, stdin);
	if (len == MAX_INPUT)
		bad("input too long");
	parse_value("");
	skip_ws();
	if (pos != len)
		bad("trailing data");
	return 0;
}
