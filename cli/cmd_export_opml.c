/* cmd_export_opml.c -- `presswatch export-opml`: the configured feeds as OPML 2.0, for any
 * feed reader.  Feeds are grouped in folders by their first tag; every tag is also listed in
 * the OPML `category` attribute, so import-opml gives the same tags back. */

#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <libxml/tree.h>

#include "buf.h"
#include "cli.h"
#include "cli_args.h"
#include "cli_store.h"
#include "config.h"

#define CMD "export-opml"

static xmlNode *folder_for(xmlNode *body, const char *name)
{
	for (xmlNode *n = body->children; n; n = n->next) {
		xmlChar *t = xmlGetProp(n, (const xmlChar *)"text");
		int same = t && xmlHasProp(n, (const xmlChar *)"xmlUrl") == NULL &&
			   strcmp((const char *)t, name) == 0;
		xmlFree(t);
		if (same)
			return n;
	}
	xmlNode *f = xmlNewChild(body, NULL, (const xmlChar *)"outline", NULL);
	xmlNewProp(f, (const xmlChar *)"text", (const xmlChar *)name);
	xmlNewProp(f, (const xmlChar *)"title", (const xmlChar *)name);
	return f;
}

int cmd_export_opml(int argc, char **argv)
{
	enum { OPT_ALL = OPT_CMD_BASE };
	static const struct option opts[] = {
		{ "all", no_argument, NULL, OPT_ALL },
		{ NULL, 0, NULL, 0 },
	};
	int all = 0, ch;

	opterr = 0;
	while ((ch = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		switch (ch) {
		case OPT_ALL: all = 1; break;
		default: return cli_bad_option(CMD, argv, ch);
		}
	}
	if (optind < argc)
		return cli_usage(CMD, "unexpected argument '%s'", argv[optind]);
	const struct pw_config *cfg = cli_config(CMD, 1);
	if (cfg == NULL)
		return CLI_ERR;

	xmlDoc *doc = xmlNewDoc((const xmlChar *)"1.0");
	xmlNode *opml = xmlNewNode(NULL, (const xmlChar *)"opml");
	xmlDocSetRootElement(doc, opml);
	xmlNewProp(opml, (const xmlChar *)"version", (const xmlChar *)"2.0");
	xmlNode *head = xmlNewChild(opml, NULL, (const xmlChar *)"head", NULL);
	xmlNewTextChild(head, NULL, (const xmlChar *)"title", (const xmlChar *)"presswatch feeds");
	char date[64];
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S GMT", &tm); /* RFC 822, as OPML wants */
	xmlNewTextChild(head, NULL, (const xmlChar *)"dateCreated", (const xmlChar *)date);
	xmlNode *body = xmlNewChild(opml, NULL, (const xmlChar *)"body", NULL);

	size_t n = 0;
	for (size_t i = 0; i < cfg->nfeeds; i++) {
		const struct pw_feed_conf *f = &cfg->feeds[i];
		if (!f->enabled && !all)
			continue;
		xmlNode *parent = f->ntags ? folder_for(body, f->tags[0]) : body;
		xmlNode *o = xmlNewChild(parent, NULL, (const xmlChar *)"outline", NULL);
		const char *name = f->name ? f->name : f->id;
		xmlNewProp(o, (const xmlChar *)"type", (const xmlChar *)"rss");
		xmlNewProp(o, (const xmlChar *)"text", (const xmlChar *)name);
		xmlNewProp(o, (const xmlChar *)"title", (const xmlChar *)name);
		xmlNewProp(o, (const xmlChar *)"xmlUrl", (const xmlChar *)f->url);
		if (f->lang)
			xmlNewProp(o, (const xmlChar *)"language", (const xmlChar *)f->lang);
		if (f->ntags) {
			struct pw_buf cat = PW_BUF_INIT;
			for (size_t t = 0; t < f->ntags; t++)
				pw_buf_printf(&cat, "%s/%s", t ? "," : "", f->tags[t]);
			xmlNewProp(o, (const xmlChar *)"category", (const xmlChar *)pw_buf_cstr(&cat));
			pw_buf_free(&cat);
		}
		n++;
	}

	xmlChar *text = NULL;
	int len = 0;
	xmlDocDumpFormatMemoryEnc(doc, &text, &len, "UTF-8", 1);
	int rc = CLI_OK;
	if (text == NULL || fwrite(text, 1, (size_t)len, stdout) != (size_t)len || fflush(stdout) != 0)
		rc = cli_error(CMD, "cannot write the output");
	xmlFree(text);
	xmlFreeDoc(doc);
	if (n == 0 && rc == CLI_OK)
		fprintf(stderr, "presswatch: %s: %s lists no %sfeeds\n", CMD, cli_config_path(),
			all ? "" : "enabled ");
	return rc;
}
