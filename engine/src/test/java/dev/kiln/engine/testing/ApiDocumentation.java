package dev.kiln.engine.testing;

import com.sun.source.tree.AnnotationTree;
import com.sun.source.tree.ClassTree;
import com.sun.source.tree.CompilationUnitTree;
import com.sun.source.tree.DirectiveTree;
import com.sun.source.tree.ExportsTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.tree.ModifiersTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.VariableTree;
import com.sun.source.util.DocTrees;
import com.sun.source.util.JavacTask;
import com.sun.source.util.TreePath;

import javax.lang.model.element.Modifier;
import javax.tools.JavaCompiler;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The part of doclint the javadoc build leaves out: a comment on every element of a module's API.
 * The build runs doclint without its "missing" group, which would also demand an {@code @param}
 * and {@code @return} on every member. This parses the module's sources (no compilation: under a
 * second) and lists, in the packages its module-info exports to everyone, each public type and
 * each public or protected constructor, method, field, nested type and enum constant (interface
 * members count as public) that has no doc comment; a method marked {@code @Override} inherits
 * its comment. On Kiln's code that is what {@code javadoc -Xdoclint:missing} reports as
 * "no comment", plus the constants declared in records, which doclint passes over.
 */
public final class ApiDocumentation {
    private final Path sources;
    private final DocTrees trees;
    private final List<String> uncommented = new ArrayList<>();

    private ApiDocumentation(Path sources, DocTrees trees) {
        this.sources = sources;
        this.trees = trees;
    }

    /** Each API element under {@code sources} without a comment, as "dev/kiln/.../File.java:line", sorted. */
    public static List<String> uncommented(Path sources) {
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        try (StandardJavaFileManager files = javac.getStandardFileManager(null, Locale.ROOT, StandardCharsets.UTF_8);
             Stream<Path> paths = Files.walk(sources)) {
            List<Path> javaFiles = paths.filter(path -> path.toString().endsWith(".java")).toList();
            JavacTask task = (JavacTask) javac.getTask(null, files, null, List.of("-proc:none"), null,
                    files.getJavaFileObjectsFromPaths(javaFiles));
            List<CompilationUnitTree> units = new ArrayList<>();
            task.parse().forEach(units::add);
            ApiDocumentation check = new ApiDocumentation(sources.toAbsolutePath(), DocTrees.instance(task));
            Set<String> exported = exportedPackages(units);
            for (CompilationUnitTree unit : units) {
                if (unit.getPackage() != null && exported.contains(unit.getPackageName().toString())) {
                    check.topLevelTypes(unit);
                }
            }
            return check.uncommented.stream().sorted(Comparator.comparing((String where) -> where.substring(0, where.lastIndexOf(':')))
                    .thenComparingInt(where -> Integer.parseInt(where.substring(where.lastIndexOf(':') + 1)))).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Packages the module-info exports to every module (a qualified export is not API). */
    private static Set<String> exportedPackages(List<CompilationUnitTree> units) {
        Set<String> exported = new HashSet<>();
        for (CompilationUnitTree unit : units) {
            if (unit.getModule() != null) {
                for (DirectiveTree directive : unit.getModule().getDirectives()) {
                    if (directive instanceof ExportsTree exports && exports.getModuleNames() == null) {
                        exported.add(exports.getPackageName().toString());
                    }
                }
            }
        }
        if (exported.isEmpty()) {
            throw new IllegalStateException("no module-info.java with exports under the sources");
        }
        return exported;
    }

    private void topLevelTypes(CompilationUnitTree unit) {
        for (Tree type : unit.getTypeDecls()) {
            if (type instanceof ClassTree declaration && declaration.getModifiers().getFlags().contains(Modifier.PUBLIC)) {
                type(new TreePath(new TreePath(unit), declaration));
            }
        }
    }

    /** A type in the API and its members in the API. */
    private void type(TreePath path) {
        require(path);
        ClassTree type = (ClassTree) path.getLeaf();
        boolean membersPublic = type.getKind() == Tree.Kind.INTERFACE || type.getKind() == Tree.Kind.ANNOTATION_TYPE;
        for (Tree member : type.getMembers()) {
            TreePath memberPath = new TreePath(path, member);
            switch (member) {
                case ClassTree nested when visible(nested.getModifiers(), membersPublic) -> type(memberPath);
                case MethodTree method when visible(method.getModifiers(), membersPublic) && !marksOverride(method)
                        -> require(memberPath);
                // javac's parser gives enum constants the modifiers public static final
                case VariableTree field when visible(field.getModifiers(), membersPublic) -> require(memberPath);
                default -> { }
            }
        }
    }

    private static boolean visible(ModifiersTree modifiers, boolean membersPublic) {
        Set<Modifier> flags = modifiers.getFlags();
        return flags.contains(Modifier.PUBLIC) || flags.contains(Modifier.PROTECTED)
                || membersPublic && !flags.contains(Modifier.PRIVATE);
    }

    private static boolean marksOverride(MethodTree method) {
        for (AnnotationTree annotation : method.getModifiers().getAnnotations()) {
            String name = annotation.getAnnotationType().toString();
            if (name.equals("Override") || name.equals("java.lang.Override")) {
                return true;
            }
        }
        return false;
    }

    private void require(TreePath path) {
        if (trees.getDocCommentTree(path) == null) {
            CompilationUnitTree unit = path.getCompilationUnit();
            long start = trees.getSourcePositions().getStartPosition(unit, path.getLeaf());
            Path file = Path.of(unit.getSourceFile().toUri());
            uncommented.add(sources.relativize(file) + ":" + unit.getLineMap().getLineNumber(start));
        }
    }
}
