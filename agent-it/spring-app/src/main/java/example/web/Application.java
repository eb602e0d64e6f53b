package example.web;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** An ordinary Spring Boot web app: nothing in it knows about endlessd. */
@SpringBootApplication
@RestController
public class Application {
    private static final long PID = ProcessHandle.current().pid();

    public static void main(String[] args) {
        SpringApplication.run(Application.class, args);
    }

    @GetMapping("/")
    public String hello(@RequestParam(name = "sleep", defaultValue = "0") long sleepMillis) throws InterruptedException {
        if (sleepMillis > 0) {
            Thread.sleep(sleepMillis);
        }
        return "hello from " + PID + "\n";
    }
}
