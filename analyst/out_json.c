/* JSON: the dimensions with their code lists, and one object per cell with
 * its value (null when suppressed) and status. */
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "out.h"
#include "sd_err.h"

static json_t *
dim_json(const struct dim *d, int total)
{
	json_t *o = json_object(), *codes = json_array();
	size_t i;

	if (o == NULL || codes == NULL)
		goto fail;
	for (i = 0; i < d->n + (total ? 1 : 0); i++) {
		json_t *c = json_pack("{s:s, s:s}", "code",
		    i < d->n ? d->code[i] : CUBE_TOTAL_CODE, "label",
		    i < d->n ? d->clabel[i] : CUBE_TOTAL_LABEL);
		if (c == NULL || json_array_append_new(codes, c) != 0)
			goto fail;
	}
	if (json_object_set_new(o, "id", json_string(d->name)) != 0 ||
	    json_object_set_new(o, "label", json_string(d->label)) != 0 ||
	    json_object_set_new(o, "additive", json_boolean(!d->multi)) != 0 ||
	    json_object_set_new(o, "codes", codes) != 0) {
		codes = NULL;
		goto fail;
	}
	return o;
fail:
	json_decref(codes);
	json_decref(o);
	return NULL;
}

static json_t *
value_json(const struct ptable *pt, size_t i, size_t j)
{
	if (ptable_suppressed(pt, i, j))
		return json_null();
	return json_integer((json_int_t)ptable_value(pt, i, j));
}

static json_t *
cell_json(const struct ptable *pt, size_t i, size_t j)
{
	char st[2] = { ptable_status(pt, i, j), 0 };
	json_t *c = json_object();

	if (c == NULL)
		return NULL;
	if (json_object_set_new(c, pt->rows->name,
	    json_string(ptable_row_code(pt, i))) != 0 ||
	    (pt->cols != NULL && json_object_set_new(c, pt->cols->name,
	    json_string(ptable_col_code(pt, j))) != 0) ||
	    json_object_set_new(c, "value", value_json(pt, i, j)) != 0 ||
	    json_object_set_new(c, "status", json_string(st)) != 0) {
		json_decref(c);
		return NULL;
	}
	return c;
}

static json_t *
cells_json(const struct ptable *pt)
{
	json_t *a = json_array(), *c;
	size_t i, j;

	if (a == NULL)
		return NULL;
	for (i = 0; i < ptable_rows(pt); i++)
		for (j = 0; j < ptable_cols(pt); j++) {
			if (!ptable_has(pt, i, j))
				continue;
			if ((c = cell_json(pt, i, j)) == NULL ||
			    json_array_append_new(a, c) != 0) {
				json_decref(a);
				return NULL;
			}
		}
	return a;
}

static json_t *
legend_json(void)
{
	static const char letters[] = "FAOTCD";
	json_t *o = json_object();
	char k[2] = { 0, 0 };
	size_t i;

	for (i = 0; o != NULL && letters[i] != '\0'; i++) {
		k[0] = letters[i];
		if (json_object_set_new(o, k,
		    json_string(out_status_words(k[0]))) != 0) {
			json_decref(o);
			return NULL;
		}
	}
	return o;
}

static json_t *
filters_json(const struct ptable *pt)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; a != NULL && i < pt->n_filters; i++)
		if (json_array_append_new(a,
		    json_string(pt->filter[i].text)) != 0) {
			json_decref(a);
			return NULL;
		}
	return a;
}

int
out_json(const struct ptable *pt, sd_buf *b)
{
	json_t *root = json_object();
	char *text = NULL;
	int rc = SD_E_NOMEM;

	if (root == NULL ||
	    json_object_set_new(root, "format",
	    json_string("sealdrop.table/1")) != 0 ||
	    json_object_set_new(root, "release", pt->draft ? json_null() :
	    json_string(out_release(pt))) != 0 ||
	    (pt->draft && json_object_set_new(root, "draft",
	    json_string(out_release(pt))) != 0) ||
	    json_object_set_new(root, "empty", json_boolean(pt->note !=
	    NULL)) != 0 ||
	    (pt->note != NULL && json_object_set_new(root, "note",
	    json_string(pt->note)) != 0) ||
	    json_object_set_new(root, "measure", json_pack("{s:s, s:s}", "id",
	    measure_name(pt->measure), "label",
	    measure_label(pt->measure))) != 0 ||
	    json_object_set_new(root, "period", pt->period[0] ?
	    json_string(pt->period) : json_null()) != 0 ||
	    json_object_set_new(root, "filters", filters_json(pt)) != 0 ||
	    json_object_set_new(root, "rows",
	    dim_json(pt->rows, !pt->rows->multi)) != 0 ||
	    (pt->cols != NULL && json_object_set_new(root, "cols",
	    dim_json(pt->cols, !pt->cols->multi)) != 0) ||
	    json_object_set_new(root, "cells", cells_json(pt)) != 0 ||
	    json_object_set_new(root, "status_legend", legend_json()) != 0)
		goto done;
	if ((text = json_dumps(root, JSON_INDENT(1) | JSON_PRESERVE_ORDER |
	    JSON_ENSURE_ASCII)) == NULL)
		goto done;
	if ((rc = sd_buf_adds(b, text)) == SD_OK)
		rc = sd_buf_adds(b, "\n");
done:
	free(text);
	json_decref(root);
	return rc;
}
