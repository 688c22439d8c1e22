@a: @b;
@b: @a;
@c: @c;
Layer#a { file: "a.shp"; }
#a { line-width: @a; line-color: @c; }
