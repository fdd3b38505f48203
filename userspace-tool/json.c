// SPDX-License-Identifier: GPL-2.0
/* A minimal streaming JSON writer: compact, or indented with -p. */
#include <inttypes.h>

#include "hvctl.h"

void json_init(struct json *j, FILE *f, bool pretty)
{
	j->f = f;
	j->pretty = pretty;
	j->depth = 0;
	j->need_comma = false;
	j->after_key = false;
}

static void json_newline(struct json *j)
{
	int i;

	if (!j->pretty)
		return;
	fputc('\n', j->f);
	for (i = 0; i < j->depth; i++)
		fputs("    ", j->f);
}

/* Separator and indentation before a value or a key. */
static void json_prefix(struct json *j)
{
	if (j->after_key) {
		j->after_key = false;
		return;
	}
	if (j->need_comma)
		fputc(',', j->f);
	if (j->depth)
		json_newline(j);
}

static void json_open(struct json *j, char c)
{
	json_prefix(j);
	fputc(c, j->f);
	j->depth++;
	j->need_comma = false;
}

static void json_close(struct json *j, char c)
{
	j->depth--;
	if (j->need_comma)
		json_newline(j);
	fputc(c, j->f);
	j->need_comma = true;
}

void json_begin_object(struct json *j)
{
	json_open(j, '{');
}

void json_end_object(struct json *j)
{
	json_close(j, '}');
}

void json_begin_array(struct json *j)
{
	json_open(j, '[');
}

void json_end_array(struct json *j)
{
	json_close(j, ']');
}

static void json_quoted(struct json *j, const char *s)
{
	const unsigned char *p;

	fputc('"', j->f);
	for (p = (const unsigned char *)s; *p; p++) {
		switch (*p) {
		case '"':
			fputs("\\\"", j->f);
			break;
		case '\\':
			fputs("\\\\", j->f);
			break;
		case '\n':
			fputs("\\n", j->f);
			break;
		case '\t':
			fputs("\\t", j->f);
			break;
		default:
			if (*p < 0x20 || *p == 0x7f)
				fprintf(j->f, "\\u%04x", *p);
			else
				fputc(*p, j->f);
		}
	}
	fputc('"', j->f);
}

void json_key(struct json *j, const char *key)
{
	json_prefix(j);
	json_quoted(j, key);
	fputs(j->pretty ? ": " : ":", j->f);
	j->after_key = true;
	j->need_comma = false;
}

static void json_value_done(struct json *j)
{
	j->need_comma = true;
}

void json_string(struct json *j, const char *s)
{
	json_prefix(j);
	json_quoted(j, s);
	json_value_done(j);
}

void json_uint(struct json *j, uint64_t v)
{
	json_prefix(j);
	fprintf(j->f, "%" PRIu64, v);
	json_value_done(j);
}

void json_bool(struct json *j, bool v)
{
	json_prefix(j);
	fputs(v ? "true" : "false", j->f);
	json_value_done(j);
}

void json_null(struct json *j)
{
	json_prefix(j);
	fputs("null", j->f);
	json_value_done(j);
}

void json_finish(struct json *j)
{
	fputc('\n', j->f);
}
