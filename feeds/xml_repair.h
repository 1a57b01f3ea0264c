/*
 * xml_repair.h -- fix the commonest well-formedness mistake of feeds before libxml2 sees it.
 *
 * Hand-written feeds put bare '&' in titles and URLs ("Q&A", "?a=1&b=2"); libxml2's recovery
 * drops the ampersand and the word after it, which silently corrupts links.  This streaming
 * filter turns a '&' that does not start a character or entity reference into "&amp;", a '<'
 * followed by a space, digit or '=' into "&lt;", and "&#X41;" into "&#x41;", outside CDATA
 * sections, comments and processing instructions.  Input and output are UTF-8; chunk
 * boundaries do not change the result.
 */
#ifndef PW_XML_REPAIR_H
#define PW_XML_REPAIR_H

#include <stddef.h>

#include "buf.h"

struct pw_xml_repair {
	int state;            /* text, CDATA, comment, PI */
	struct pw_buf carry;  /* undecided tail of the previous chunk (a few bytes) */
	size_t fixes;         /* number of repairs made */
};

#define PW_XML_REPAIR_INIT { 0, PW_BUF_INIT, 0 }

/* Appends the repaired form of in[0..n) to out; with final set, nothing is held back. */
void pw_xml_repair_run(struct pw_xml_repair *r, const char *in, size_t n, int final, struct pw_buf *out);
void pw_xml_repair_free(struct pw_xml_repair *r);

#endif
