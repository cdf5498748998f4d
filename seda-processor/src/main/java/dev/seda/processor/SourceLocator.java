package dev.seda.processor;

import com.sun.source.tree.CompilationUnitTree;
import com.sun.source.util.TreePath;
import com.sun.source.util.Trees;
import dev.seda.graph.StageGraphModel.SourceLocation;
import javax.annotation.processing.ProcessingEnvironment;
import javax.lang.model.element.Element;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.PackageElement;
import javax.lang.model.element.TypeElement;

/**
 * Finds an element's file and line for the descriptor, so the diagram and the plugin can point at the
 * source. Uses javac's tree API when available; other compilers get the file without a line.
 */
final class SourceLocator {
    private final ProcessingEnvironment env;
    private final Trees trees;

    SourceLocator(ProcessingEnvironment env) {
        this.env = env;
        this.trees = treesOrNull(env);
    }

    private static Trees treesOrNull(ProcessingEnvironment env) {
        try {
            return Trees.instance(env);
        } catch (RuntimeException | LinkageError e) { // not javac, or a wrapped environment
            return null;
        }
    }

    SourceLocation locate(ExecutableElement method) {
        TypeElement top = topLevel(method);
        PackageElement pkg = env.getElementUtils().getPackageOf(top);
        String dir = pkg.isUnnamed() ? "" : pkg.getQualifiedName().toString().replace('.', '/') + "/";
        String file = dir + top.getSimpleName() + ".java";
        int line = 0;
        if (trees != null) {
            TreePath path = trees.getPath(method);
            if (path != null) {
                CompilationUnitTree unit = path.getCompilationUnit();
                long position = trees.getSourcePositions().getStartPosition(unit, path.getLeaf());
                if (position >= 0) {
                    line = (int) unit.getLineMap().getLineNumber(position);
                }
                String name = unit.getSourceFile().getName();
                file = dir + name.substring(Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\')) + 1);
            }
        }
        return new SourceLocation(file, line);
    }

    /** Whether the element is compiled from source in this compilation (false when unknown). */
    boolean isSource(Element element) {
        return trees != null && trees.getPath(element) != null;
    }

    private static TypeElement topLevel(Element element) {
        Element e = element;
        while (!(e.getEnclosingElement() instanceof PackageElement)) {
            e = e.getEnclosingElement();
        }
        return (TypeElement) e;
    }
}
