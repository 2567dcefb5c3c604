CREATE TABLE "conflicts" (
	"suppressed_id" text PRIMARY KEY NOT NULL,
	"active_id" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "knowledge" (
	"id" text PRIMARY KEY NOT NULL,
	"scope_id" integer NOT NULL,
	"content" text NOT NULL,
	"context" text NOT NULL,
	"task_size" smallint,
	"search" "tsvector" GENERATED ALWAYS AS (setweight(to_tsvector('english', coalesce(context, '')), 'A') || setweight(to_tsvector('english', coalesce(content, '')), 'B')) STORED NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "namespaces" (
	"id" serial PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"description" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "namespaces_name_unique" UNIQUE("name")
);
--> statement-breakpoint
CREATE TABLE "scope_parents" (
	"scope_id" integer NOT NULL,
	"parent_id" integer NOT NULL,
	CONSTRAINT "scope_parents_scope_id_parent_id_pk" PRIMARY KEY("scope_id","parent_id")
);
--> statement-breakpoint
CREATE TABLE "scopes" (
	"id" serial PRIMARY KEY NOT NULL,
	"namespace_id" integer NOT NULL,
	"name" text NOT NULL,
	"description" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "conflicts" ADD CONSTRAINT "conflicts_suppressed_id_knowledge_id_fk" FOREIGN KEY ("suppressed_id") REFERENCES "public"."knowledge"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "conflicts" ADD CONSTRAINT "conflicts_active_id_knowledge_id_fk" FOREIGN KEY ("active_id") REFERENCES "public"."knowledge"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "knowledge" ADD CONSTRAINT "knowledge_scope_id_scopes_id_fk" FOREIGN KEY ("scope_id") REFERENCES "public"."scopes"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "scope_parents" ADD CONSTRAINT "scope_parents_scope_id_scopes_id_fk" FOREIGN KEY ("scope_id") REFERENCES "public"."scopes"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "scope_parents" ADD CONSTRAINT "scope_parents_parent_id_scopes_id_fk" FOREIGN KEY ("parent_id") REFERENCES "public"."scopes"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "scopes" ADD CONSTRAINT "scopes_namespace_id_namespaces_id_fk" FOREIGN KEY ("namespace_id") REFERENCES "public"."namespaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "conflicts_active_idx" ON "conflicts" USING btree ("active_id");--> statement-breakpoint
CREATE INDEX "knowledge_scope_idx" ON "knowledge" USING btree ("scope_id");--> statement-breakpoint
CREATE INDEX "knowledge_search_idx" ON "knowledge" USING gin ("search");--> statement-breakpoint
CREATE INDEX "scope_parents_parent_idx" ON "scope_parents" USING btree ("parent_id");--> statement-breakpoint
CREATE UNIQUE INDEX "scopes_namespace_name_idx" ON "scopes" USING btree ("namespace_id","name");